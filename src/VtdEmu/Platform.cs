using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// One emulated platform: guest RAM, one DMA-remapping unit, and the PCI endpoints behind it that
/// issue DMA. Software (a driver, a test, a scenario) programs the unit through <see cref="Unit"/>'s
/// MMIO interface and the tables in <see cref="Memory"/>; devices DMA through the unit.
/// </summary>
public sealed class Platform
{
    /// <summary>The default RAM: 1 GiB at guest physical address 0.</summary>
    public static readonly MemoryRange DefaultRam = new(0, 1UL << 30);

    private readonly Dictionary<ushort, PciEndpoint> _devices = [];

    /// <summary>A platform with <paramref name="configuration"/>'s unit and the given RAM ranges (default: <see cref="DefaultRam"/>).</summary>
    public Platform(UnitConfiguration configuration, IInterruptSink? interruptSink = null, params ReadOnlySpan<MemoryRange> ram)
        : this(configuration, caches: null, interruptSink, ram)
    {
    }

    /// <summary>As above, with the unit's cache geometry and policies given explicitly.</summary>
    public Platform(UnitConfiguration configuration, TranslationCacheOptions? caches, IInterruptSink? interruptSink = null, params ReadOnlySpan<MemoryRange> ram)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Memory = ram.IsEmpty ? new GuestMemory(DefaultRam) : new GuestMemory(ram);
        Unit = new RemappingUnit(Memory, configuration, interruptSink, caches);
    }

    /// <summary>Guest physical memory (RAM as the CPU sees it).</summary>
    public GuestMemory Memory { get; }

    /// <summary>The remapping unit; its <see cref="IMmio"/> side is what a driver programs.</summary>
    public RemappingUnit Unit { get; }

    /// <summary>The unit's translate-path statistics (see <see cref="RemappingUnit.Statistics"/>).</summary>
    public TranslationStatistics Statistics => Unit.Statistics;

    /// <summary>Zeroes the unit's translate-path and cache counters.</summary>
    public void ResetStatistics() => Unit.ResetStatistics();

    /// <summary>The unit whose scope covers <paramref name="sourceId"/>.</summary>
    public RemappingUnit UnitFor(ushort sourceId) => Unit;

    /// <summary>The endpoints, in the order they were added.</summary>
    public IReadOnlyCollection<PciEndpoint> Devices => _devices.Values;

    /// <summary>Adds (or returns the existing) endpoint with requester id <paramref name="sourceId"/>.</summary>
    public PciEndpoint AddDevice(ushort sourceId)
    {
        if (!_devices.TryGetValue(sourceId, out PciEndpoint? device))
        {
            device = new PciEndpoint(this, sourceId);
            _devices.Add(sourceId, device);
        }

        return device;
    }

    /// <summary>The endpoint with requester id <paramref name="sourceId"/>, if one was added.</summary>
    public bool TryGetDevice(ushort sourceId, out PciEndpoint device)
    {
        bool found = _devices.TryGetValue(sourceId, out PciEndpoint? existing);
        device = existing!;
        return found;
    }
}
