using VtdEmu.Caches;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// The PCIe features a <c>device</c> directive turns on beyond plain DMA: ATS with a device-TLB of the
/// given geometry (<c>ats</c>, <c>dtlb-entries=N</c>, <c>dtlb-ways=N</c>, <c>dtlb-policy=P</c>) and the page
/// request interface (<c>pri</c>, which needs ATS). spec-notes/device-tlb.md, page-requests.md.
/// </summary>
/// <param name="Bdf">The endpoint.</param>
/// <param name="DeviceTlb">Its device-TLB geometry (ATS is enabled).</param>
/// <param name="PageRequests">PRI is enabled: the device may send page requests and receives page group responses.</param>
public sealed record ScenarioDevice(PciBdf Bdf, CacheGeometry DeviceTlb, bool PageRequests);
