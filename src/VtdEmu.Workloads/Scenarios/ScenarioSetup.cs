using System.Collections.Immutable;
using VtdEmu.Caches;
using VtdEmu.Dmar;
using VtdEmu.Interrupts;
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

    /// <summary>The declared endpoints with ATS (and possibly PRI) enabled, in declaration order.</summary>
    public ImmutableArray<ScenarioDevice> AtsDevices { get; init; } = [];

    /// <summary>
    /// The DMAR table of a <c>platform-dmar</c> directive (parsed): one unit of the preset per DRHD at its
    /// register base with its device scope; null for the single unit of a scenario without one.
    /// </summary>
    public DmarTable? Dmar { get; init; }

    /// <summary>The file <see cref="Dmar"/> was read from, as the directive wrote it.</summary>
    public string? DmarFile { get; init; }

    /// <summary>Where <c>platform-dmar</c> was given; null without one.</summary>
    public SourceLocation? DmarLocation { get; init; }

    /// <summary>Number of remapping units the platform will have: the DMAR table's DRHD count, or 1.</summary>
    public int UnitCount => Dmar is { } table ? table.Units.Count : 1;

    /// <summary>
    /// Every unit's interrupt entry cache geometry (<c>iec</c> directive; <c>caches off</c> disables it):
    /// spec-notes/interrupt-remapping.md §4.
    /// </summary>
    public CacheGeometry InterruptEntryCache { get; init; } = Interrupts.InterruptEntryCache.DefaultGeometry;

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
