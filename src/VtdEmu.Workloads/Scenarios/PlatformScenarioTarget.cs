using VtdEmu.Devices;
using VtdEmu.Interrupts;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// A scenario's view of a real <see cref="VtdEmu.Platform"/>: the units' register blocks, guest RAM,
/// and DMA, MSIs, translation requests and page requests by the platform's PCI endpoints (each routed
/// to the unit whose scope covers it), with each <see cref="DmaResult"/> turned into the scenario's
/// <see cref="DmaOutcome"/>.
/// </summary>
public sealed class PlatformScenarioTarget : IScenarioTarget
{
    /// <summary>Wraps <paramref name="platform"/> (its units' caches are as the scenario configured them).</summary>
    public PlatformScenarioTarget(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        Platform = platform;
    }

    /// <summary>The platform the scenario drives.</summary>
    public Platform Platform { get; }

    public IMmio Mmio => Platform.Unit;

    public int UnitCount => Platform.Units.Count;

    public IMmio UnitMmio(int index) => Platform.Units[index];

    public GuestMemory Memory => Platform.Memory;

    public DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false) =>
        ToOutcome(Platform.AddDevice(sourceId).Read(iova, destination, pasid, translated, privileged, execute));

    public DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false) =>
        ToOutcome(Platform.AddDevice(sourceId).Write(iova, source, pasid, translated, privileged, execute));

    public InterruptRemapResult SignalMsi(ushort sourceId, ulong address, uint data) =>
        Platform.AddDevice(sourceId).SignalMsi(address, data);

    public AtsCompletion AtsTranslate(ushort sourceId, ulong iova, uint? pasid, bool write) =>
        Platform.AddDevice(sourceId).AtsTranslate(iova, pasid, write);

    public PageRequestOutcome RequestPage(ushort sourceId, ulong iova, ushort groupIndex, uint? pasid, bool write, out PageGroupResponse? response)
    {
        PciEndpoint device = Platform.AddDevice(sourceId);
        response = null;
        if (!device.PageRequestsEnabled || groupIndex >= PciEndpoint.PageRequestGroupCount)
        {
            // A device without PRI sends no page requests (the parser refuses such a command).
            return PageRequestOutcome.Unsupported;
        }

        PageRequestOutcome outcome = device.RequestPage(iova, groupIndex, pasid, write);
        response = device.PageResponse(groupIndex);
        return outcome;
    }

    public PageGroupResponse? PageResponse(ushort sourceId, ushort groupIndex) =>
        Platform.TryGetDevice(sourceId, out PciEndpoint device) ? device.PageResponse(groupIndex) : null;

    /// <summary>The scenario outcome of a DMA: the first blocked page decides it.</summary>
    public static DmaOutcome ToOutcome(in DmaResult result) => result.Status switch
    {
        DmaStatus.Completed => DmaOutcome.Ok,
        DmaStatus.Faulted => new DmaOutcome(result.Fault),
        DmaStatus.Aborted => DmaOutcome.Aborted,
        _ => DmaOutcome.UnsupportedRequest,
    };
}
