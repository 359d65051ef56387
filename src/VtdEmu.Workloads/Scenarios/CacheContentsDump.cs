using System.Globalization;
using VtdEmu.Caches;
using VtdEmu.Translation;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Prints a unit's cache geometry and what its IOTLB and context cache hold right now: what a
/// stale-translation bug looks like from the hardware side (an entry that no longer matches the
/// tables in memory). Read-only; entries in set/way order.
/// </summary>
public static class CacheContentsDump
{
    /// <summary>Writes the caches of <paramref name="platform"/>'s unit; returns the number of lines written.</summary>
    public static int Write(Platform platform, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(output);
        TranslationCacheOptions options = platform.Unit.Caches.Options;
        string large = options.IotlbLargePages is { } l ? Geometry(l) : "shared";
        output.WriteLine(
            $"# caches: iotlb {Geometry(options.Iotlb)}, iotlb-large {large}, context-cache {Geometry(options.ContextCache)}, " +
            $"pasid-cache {Geometry(options.PasidCache)}, psc {Geometry(options.PagingStructureCache)}");
        int lines = 1;

        IReadOnlyList<IotlbEntry> iotlb = platform.Unit.Caches.Iotlb.Snapshot();
        output.WriteLine($"# iotlb: {Counts.Plural(iotlb.Count, "entry")}");
        lines++;
        foreach (IotlbEntry entry in iotlb)
        {
            output.WriteLine(Format(entry));
            lines++;
        }

        IReadOnlyList<ContextCacheEntry> contexts = platform.Unit.Caches.ContextCache.Snapshot();
        output.WriteLine($"# context-cache: {Counts.Plural(contexts.Count, "entry")}");
        lines++;
        foreach (ContextCacheEntry entry in contexts)
        {
            output.WriteLine(Format(entry));
            lines++;
        }

        return lines;
    }

    /// <summary><c>64x4 lru</c>, <c>32x32 plru</c>, or <c>off</c>.</summary>
    public static string Geometry(CacheGeometry geometry) =>
        geometry.IsEnabled
            ? string.Create(CultureInfo.InvariantCulture, $"{geometry.Entries}x{geometry.Ways} {ScenarioParser.PolicyName(geometry.Policy)}")
            : "off";

    private static string Format(IotlbEntry entry)
    {
        string pasid = entry.Kind is TranslationKind.FirstLevel or TranslationKind.Nested ? $" pasid=0x{entry.Pasid:x}" : string.Empty;
        string size = entry.Size switch
        {
            PageSize.Size2M => "2m",
            PageSize.Size1G => "1g",
            _ => "4k",
        };
        string result = entry.IsNegative
            ? $"fault {(byte)entry.Fault:x2}"
            : $"0x{entry.OutputPageBase:x} {Rights(entry.Rights)}{(entry.IsGlobal ? " global" : string.Empty)}";
        return $"iotlb did={entry.Did} {Kind(entry.Kind)}{pasid} 0x{entry.InputPageBase:x} {size} -> {result}";
    }

    private static string Format(ContextCacheEntry entry)
    {
        PciBdf bdf = PciBdf.FromSourceId(entry.SourceId);
        if (entry.IsNegative)
        {
            return $"context-cache {bdf} -> fault {(byte)entry.Fault:x2}";
        }

        string mode = entry.IsScalable ? "scalable" : "legacy";
        string fpd = entry.Fpd ? " fpd" : string.Empty;
        return $"context-cache {bdf} did={entry.Did} {mode} tt={entry.TranslationType} aw={entry.AddressWidth} ptr=0x{entry.TablePointer:x}{fpd}";
    }

    private static string Kind(TranslationKind kind) => kind switch
    {
        TranslationKind.PassThrough => "pass-through",
        TranslationKind.FirstLevel => "first-level",
        TranslationKind.Nested => "nested",
        _ => "second-level",
    };

    private static string Rights(DmaAccess rights) => rights switch
    {
        DmaAccess.ReadWrite => "rw",
        DmaAccess.Read => "r-",
        DmaAccess.Write => "-w",
        _ => "--",
    };
}
