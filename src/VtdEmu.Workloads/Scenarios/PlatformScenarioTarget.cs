using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// A scenario's view of a real <see cref="VtdEmu.Platform"/>: the unit's register block, guest RAM,
/// and DMA by the platform's PCI endpoints, with each <see cref="DmaResult"/> turned into the
/// scenario's <see cref="DmaOutcome"/>.
/// </summary>
public sealed class PlatformScenarioTarget : IScenarioTarget
{
    /// <summary>Wraps <paramref name="platform"/> (its unit's caches are as the scenario configured them).</summary>
    public PlatformScenarioTarget(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        Platform = platform;
    }

    /// <summary>The platform the scenario drives.</summary>
    public Platform Platform { get; }

    public IMmio Mmio => Platform.Unit;

    public GuestMemory Memory => Platform.Memory;

    public DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false) =>
        ToOutcome(Platform.AddDevice(sourceId).Read(iova, destination, pasid, privileged: privileged, execute: execute));

    public DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false) =>
        ToOutcome(Platform.AddDevice(sourceId).Write(iova, source, pasid, privileged: privileged, execute: execute));

    /// <summary>The scenario outcome of a DMA: the first blocked page decides it.</summary>
    public static DmaOutcome ToOutcome(in DmaResult result) => result.Status switch
    {
        DmaStatus.Completed => DmaOutcome.Ok,
        DmaStatus.Faulted => new DmaOutcome(result.Fault),
        DmaStatus.Aborted => DmaOutcome.Aborted,
        _ => DmaOutcome.UnsupportedRequest,
    };
}
