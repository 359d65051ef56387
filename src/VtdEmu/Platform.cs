using VtdEmu.Caches;
using VtdEmu.Dmar;
using VtdEmu.Interrupts;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// One emulated platform: guest RAM, one or more DMA-remapping units (each at its register base with
/// its device scope), and the PCI endpoints that issue DMA. Software programs a unit through its MMIO
/// interface and the tables in <see cref="Memory"/>; a device's requests go through the unit whose
/// scope covers it (<see cref="UnitFor"/>; spec-notes/dmar.md §4).
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
        : this([new UnitDefinition(configuration ?? throw new ArgumentNullException(nameof(configuration)), DefaultRegisterBase, UnitScope.All, caches)], interruptSink, ram)
    {
    }

    /// <summary>A platform with several units (at least one), in DMAR order; every unit sends its events to <paramref name="interruptSink"/>.</summary>
    public Platform(IReadOnlyList<UnitDefinition> units, IInterruptSink? interruptSink = null, params ReadOnlySpan<MemoryRange> ram)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfZero(units.Count);
        Memory = ram.IsEmpty ? new GuestMemory(DefaultRam) : new GuestMemory(ram);
        UnitDefinitions = [.. units];
        Units = [.. units.Select(u => new RemappingUnit(Memory, u.Configuration, interruptSink, u.Caches))];
        Unit = Units[0];
    }

    /// <summary>Register base of the single unit of <see cref="Platform(UnitConfiguration, IInterruptSink?, ReadOnlySpan{MemoryRange})"/>.</summary>
    public const ulong DefaultRegisterBase = 0xFED9_0000;

    /// <summary>Every unit, in definition (DMAR) order.</summary>
    public IReadOnlyList<RemappingUnit> Units { get; }

    /// <summary>Each unit's register base and scope, index for index with <see cref="Units"/>.</summary>
    public IReadOnlyList<UnitDefinition> UnitDefinitions { get; }

    /// <summary>Sets where every unit delivers interrupts (remapped, passed through, posting notifications).</summary>
    public IApicBus? ApicBus
    {
        set
        {
            foreach (RemappingUnit unit in Units)
            {
                unit.ApicBus = value;
            }
        }
    }

    /// <summary>
    /// Builds a platform from a parsed DMAR table: one unit of <paramref name="configuration"/> per DRHD
    /// at its register base, scoped by its one-hop endpoint and bridge scopes (a bridge covers itself and
    /// the bus range <paramref name="bridgeBuses"/> gives for it, if any). Segments other than 0 are
    /// refused, as is a table without units.
    /// </summary>
    public static bool TryFromDmar(DmarTable table, UnitConfiguration configuration, out Platform? platform, out string error, Func<ushort, (byte First, byte Last)?>? bridgeBuses = null, params ReadOnlySpan<MemoryRange> ram)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(configuration);
        platform = null;
        var units = new List<UnitDefinition>();
        foreach (DmarDrhd drhd in table.Units)
        {
            if (drhd.Segment != 0)
            {
                error = $"DRHD at 0x{drhd.Offset:x}: PCI segment {drhd.Segment} (only segment 0 is modelled)";
                return false;
            }

            var endpoints = new HashSet<ushort>();
            var buses = new List<(byte, byte)>();
            foreach (DeviceScope scope in drhd.Scopes)
            {
                if (scope.SourceId is not { } sid || scope.Type is not (DeviceScopeType.PciEndpoint or DeviceScopeType.PciSubHierarchy))
                {
                    continue;
                }

                endpoints.Add(sid);
                if (scope.Type == DeviceScopeType.PciSubHierarchy && bridgeBuses?.Invoke(sid) is { } range)
                {
                    buses.Add(range);
                }
            }

            units.Add(new UnitDefinition(configuration, drhd.RegisterBase, new UnitScope(drhd.IncludePciAll, endpoints, buses)));
        }

        if (units.Count == 0)
        {
            error = "the DMAR table describes no remapping unit (DRHD)";
            return false;
        }

        error = string.Empty;
        platform = new Platform(units, interruptSink: null, ram);
        return true;
    }

    /// <summary>
    /// The unit covering <paramref name="sourceId"/>: the first whose scope lists it, else the first
    /// INCLUDE_PCI_ALL unit, else the last unit (a table without an include-all unit; spec-notes/dmar.md §4).
    /// </summary>
    public RemappingUnit UnitFor(ushort sourceId) => Units[UnitIndexFor(sourceId)];

    /// <summary>The index in <see cref="Units"/> of <see cref="UnitFor"/>.</summary>
    public int UnitIndexFor(ushort sourceId)
    {
        int includeAll = -1;
        for (int i = 0; i < UnitDefinitions.Count; i++)
        {
            UnitScope scope = UnitDefinitions[i].Scope;
            if (scope.Lists(sourceId))
            {
                return i;
            }

            if (scope.IncludeAll && includeAll < 0)
            {
                includeAll = i;
            }
        }

        return includeAll >= 0 ? includeAll : UnitDefinitions.Count - 1;
    }

    /// <summary>The unit whose register block starts at <paramref name="registerBase"/>, if any.</summary>
    public RemappingUnit? UnitAt(ulong registerBase)
    {
        for (int i = 0; i < UnitDefinitions.Count; i++)
        {
            if (UnitDefinitions[i].RegisterBase == registerBase)
            {
                return Units[i];
            }
        }

        return null;
    }

    /// <summary>Guest physical memory (RAM as the CPU sees it).</summary>
    public GuestMemory Memory { get; }

    /// <summary>The first remapping unit (the only one on a single-unit platform); its <see cref="IMmio"/> side is what a driver programs.</summary>
    public RemappingUnit Unit { get; }

    /// <summary>The unit's translate-path statistics (see <see cref="RemappingUnit.Statistics"/>).</summary>
    public TranslationStatistics Statistics => Unit.Statistics;

    /// <summary>Zeroes the unit's translate-path and cache counters.</summary>
    public void ResetStatistics() => Unit.ResetStatistics();

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
