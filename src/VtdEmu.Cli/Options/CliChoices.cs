using VtdEmu.Caches;
using VtdEmu.Iommu;
using VtdEmu.Registers;
using VtdEmu.Workloads.Mapping;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Sweeps;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Options;

/// <summary>The names every enum-valued option of vtdemu accepts, each defined once (the scenario language's spelling where it has one).</summary>
internal static class CliChoices
{
    /// <summary>Capability presets, by their kebab-case names.</summary>
    public static Choices<UnitConfiguration> Presets { get; } = new(UnitConfiguration.Presets.Select(p => (p.Name, p)));

    /// <summary>Mapping page sizes: <c>4K|2M|1G</c>.</summary>
    public static Choices<PageSize> PageSizes { get; } = new(Enum.GetValues<PageSize>().Select(s => (DefaultMapping.Format(s), s)));

    /// <summary>IOTLB replacement policies, as the scenario directive <c>iotlb … policy=</c> spells them.</summary>
    public static Choices<ReplacementPolicy> Policies { get; } = new(Enum.GetValues<ReplacementPolicy>().Select(p => (ScenarioParser.PolicyName(p), p)));

    /// <summary>The IOMMU core's attach/ownership rules.</summary>
    public static Choices<IommuAttachPolicy> AttachPolicies { get; } = new(IommuAttachPolicy.All.Select(p => (p.Name, p)));

    /// <summary>Output of the commands a script reads: <c>text|json</c>.</summary>
    public static Choices<bool> OutputFormats { get; } = new([("text", false), ("json", true)]);

    public static Choices<TraceFormat> TraceFormats { get; } = new(Enum.GetValues<TraceFormat>().Select(f => (TraceEncoding.Name(f), f)));

    public static Choices<TraceCompression> Compressions { get; } = new(Enum.GetValues<TraceCompression>().Select(c => (TraceEncoding.Name(c), c)));

    public static Choices<TracePattern> TracePatterns { get; } = FromEnum<TracePattern>();

    public static Choices<SweepPattern> SweepPatterns { get; } = FromEnum<SweepPattern>();

    public static Choices<DmaDirection> Directions { get; } = FromEnum<DmaDirection>();

    /// <summary>Translation on or off (a sweep axis).</summary>
    public static Choices<bool> Translation { get; } = new([("on", true), ("off", false)]);

    /// <summary>Sweep rows: <c>csv|jsonl</c>.</summary>
    public static Choices<bool> SweepFormats { get; } = new([("csv", false), ("jsonl", true)]);

    /// <summary>Names from an enum's members in lower-case kebab form (<c>Sequential</c> → <c>sequential</c>, <c>FourK</c> → <c>four-k</c>).</summary>
    internal static Choices<TEnum> FromEnum<TEnum>()
        where TEnum : struct, Enum =>
        new(Enum.GetValues<TEnum>().Select(v => (Kebab(v.ToString()), v)));

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i == 0 ? string.Empty : "-") + char.ToLowerInvariant(c) : c.ToString()));
}
