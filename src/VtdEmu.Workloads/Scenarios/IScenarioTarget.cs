using VtdEmu.Devices;
using VtdEmu.Interrupts;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// What a scenario command needs from a platform: the remapping units' register blocks, guest RAM
/// as the CPU sees it, and DMA, interrupts, ATS translation requests and page requests by a PCI device
/// through the unit whose scope covers it. The platform implements it; tests use a fake.
/// </summary>
public interface IScenarioTarget
{
    /// <summary>The first remapping unit's register block (offsets relative to its base).</summary>
    IMmio Mmio { get; }

    /// <summary>Number of remapping units (1 unless the platform came from a DMAR table).</summary>
    int UnitCount { get; }

    /// <summary>Unit <paramref name="index"/>'s register block (0 ≤ index &lt; <see cref="UnitCount"/>).</summary>
    IMmio UnitMmio(int index);

    /// <summary>Guest physical memory as the CPU sees it (not remapped).</summary>
    GuestMemory Memory { get; }

    /// <summary>
    /// A read DMA of <c>destination.Length</c> bytes at <paramref name="iova"/> by the device with
    /// <paramref name="sourceId"/>, with a PASID prefix when <paramref name="pasid"/> is not null (its
    /// privileged and execute attributes beside it); <paramref name="translated"/>: through the device's
    /// device-TLB as translated requests. On a fault the request is blocked and the fault reason
    /// returned, whether or not the unit recorded it.
    /// </summary>
    DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false);

    /// <summary>A write DMA of <paramref name="source"/> at <paramref name="iova"/>; see <see cref="DmaRead"/>.</summary>
    DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false);

    /// <summary>The device raises an MSI: a DWORD write of <paramref name="data"/> to <paramref name="address"/>.</summary>
    InterruptRemapResult SignalMsi(ushort sourceId, ulong address, uint data);

    /// <summary>The device sends an ATS translation request; a completion granting access goes into its device-TLB.</summary>
    AtsCompletion AtsTranslate(ushort sourceId, ulong iova, uint? pasid, bool write);

    /// <summary>
    /// The device sends one page request (last in group <paramref name="groupIndex"/>); the unit's own
    /// response, if it answered for software, is in <paramref name="response"/>.
    /// </summary>
    PageRequestOutcome RequestPage(ushort sourceId, ulong iova, ushort groupIndex, uint? pasid, bool write, out PageGroupResponse? response);

    /// <summary>The last page group response the device received for <paramref name="groupIndex"/>; null when none.</summary>
    PageGroupResponse? PageResponse(ushort sourceId, ushort groupIndex);
}
