using VtdEmu.Memory;

namespace VtdEmu.Scenarios;

/// <summary>
/// A scenario's view of a real <see cref="VtdEmu.Platform"/>: the unit's register block, guest RAM,
/// and DMA by the platform's PCI endpoints, with each <see cref="DmaResult"/> turned into the
/// scenario's <see cref="DmaOutcome"/>.
/// </summary>
public sealed class PlatformScenarioTarget : IScenarioTarget
{
    /// <summary>Wraps <paramref name="platform"/>; the cache geometry is what the scenario asked for.</summary>
    public PlatformScenarioTarget(Platform platform, CacheGeometry iotlb, CacheGeometry contextCache)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(iotlb);
        ArgumentNullException.ThrowIfNull(contextCache);
        Platform = platform;
        Iotlb = iotlb;
        ContextCache = contextCache;
    }

    /// <summary>The platform the scenario drives.</summary>
    public Platform Platform { get; }

    /// <summary>The IOTLB geometry the scenario requested (<see cref="CacheGeometry.Default"/> when none).</summary>
    public CacheGeometry Iotlb { get; }

    /// <summary>The context-cache geometry the scenario requested.</summary>
    public CacheGeometry ContextCache { get; }

    public IMmio Mmio => Platform.Unit;

    public GuestMemory Memory => Platform.Memory;

    public DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination) =>
        ToOutcome(Platform.AddDevice(sourceId).Read(iova, destination));

    public DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source) =>
        ToOutcome(Platform.AddDevice(sourceId).Write(iova, source));

    /// <summary>The scenario outcome of a DMA: the first blocked page decides it.</summary>
    public static DmaOutcome ToOutcome(in DmaResult result) => result.Status switch
    {
        DmaStatus.Completed => DmaOutcome.Ok,
        DmaStatus.Faulted => new DmaOutcome(result.Fault),
        DmaStatus.Aborted => DmaOutcome.Aborted,
        _ => DmaOutcome.UnsupportedRequest,
    };
}
