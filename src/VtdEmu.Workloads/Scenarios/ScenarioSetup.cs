using System.Collections.Immutable;
using VtdEmu.Caches;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// The platform a scenario asks for, from its directives: capability preset and overrides, RAM,
/// DMA-capable devices and cache geometry. Each directive's source line is kept so that a target
/// factory can report what it cannot honour at the line that asked for it.
/// </summary>
public sealed record ScenarioSetup
{
    /// <summary>The preset used when a scenario names none.</summary>
    public const string DefaultPreset = "qemu";

    /// <summary>1 GiB of RAM at address 0, used when a scenario has no <c>ram</c> directive.</summary>
    public static MemoryRange DefaultRam => new(0, 1UL << 30);

    /// <summary>The scenario (or trace) file the setup came from, for file-level error locations.</summary>
    public string File { get; init; } = string.Empty;

    /// <summary>The capability preset name (lower case).</summary>
    public string Preset { get; init; } = DefaultPreset;

    /// <summary>Where <c>preset</c> was given; null when defaulted.</summary>
    public SourceLocation? PresetLocation { get; init; }

    /// <summary>A raw CAP value replacing the preset's, or null.</summary>
    public ulong? Cap { get; init; }

    public SourceLocation? CapLocation { get; init; }

    /// <summary>A raw ECAP value replacing the preset's, or null.</summary>
    public ulong? Ecap { get; init; }

    public SourceLocation? EcapLocation { get; init; }

    /// <summary>Guest RAM ranges, non-overlapping, sorted by base.</summary>
    public ImmutableArray<MemoryRange> Ram { get; init; } = [DefaultRam];

    /// <summary>The DMA-capable PCI endpoints, in declaration order.</summary>
    public ImmutableArray<PciBdf> Devices { get; init; } = [];

    /// <summary>
    /// Every cache disabled (<c>caches off</c>): each translation reads the structures from memory,
    /// the reference behaviour a cached run must agree with when the driver invalidates correctly.
    /// </summary>
    public static TranslationCacheOptions NoCaches { get; } = new()
    {
        ContextCache = CacheGeometry.Disabled,
        PasidCache = CacheGeometry.Disabled,
        Iotlb = CacheGeometry.Disabled,
        IotlbLargePages = CacheGeometry.Disabled,
        PagingStructureCache = CacheGeometry.Disabled,
    };

    /// <summary>
    /// The unit's cache geometry: the model's defaults, changed by the <c>caches</c>, <c>iotlb</c>,
    /// <c>iotlb-large</c>, <c>context-cache</c>, <c>pasid-cache</c> and <c>psc</c> directives
    /// (checked by the parser). CAP.CM is taken from the capability register when the unit is built.
    /// </summary>
    public TranslationCacheOptions Caches { get; init; } = new();
}
