using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// What a scenario command needs from a platform: the remapping unit's register block, guest RAM
/// as the CPU sees it, and DMA by a PCI device through the remapping unit. The platform implements
/// it; tests use a fake.
/// </summary>
public interface IScenarioTarget
{
    /// <summary>The remapping unit's register block (offsets relative to its base).</summary>
    IMmio Mmio { get; }

    /// <summary>Guest physical memory as the CPU sees it (not remapped).</summary>
    GuestMemory Memory { get; }

    /// <summary>
    /// A read DMA of <c>destination.Length</c> bytes at <paramref name="iova"/> by the device with
    /// <paramref name="sourceId"/>, with a PASID prefix when <paramref name="pasid"/> is not null (its
    /// privileged and execute attributes beside it). On a fault the request is blocked and the fault
    /// reason returned, whether or not the unit recorded it.
    /// </summary>
    DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false);

    /// <summary>A write DMA of <paramref name="source"/> at <paramref name="iova"/>; see <see cref="DmaRead"/>.</summary>
    DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false);
}
