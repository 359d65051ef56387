using System.Globalization;
using VtdEmu.Caches;
using VtdEmu.Devices;
using VtdEmu.Translation;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Prints each unit's cache geometry and what its IOTLB, context cache, PASID cache, paging-structure cache and
/// interrupt entry cache hold right now, then each ATS device's device-TLB: what a
/// stale-translation bug looks like from the hardware side (an entry that no longer matches the tables
/// in memory). Read-only; entries in set/way order.
/// </summary>
public static class CacheContentsDump
{
    /// <summary>
    /// Writes the caches of every unit of <paramref name="platform"/> (each under a <c># unit N</c> line when there
    /// are several), then every ATS device's device-TLB; returns the number of lines written.
    /// </summary>
    public static int Write(Platform platform, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(output);
        return PlatformDump.EachUnit(platform, output, unit => WriteUnit(unit, output)) + WriteDeviceTlbs(platform, output);
    }

    /// <summary>Writes one unit's cache geometry and contents: IOTLB, context cache, PASID cache, paging-structure cache, IEC.</summary>
    public static int WriteUnit(RemappingUnit unit, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(output);
        TranslationCacheOptions options = unit.Caches.Options;
        string large = options.IotlbLargePages is { } l ? Geometry(l) : "shared";
        output.WriteLine(
            $"# caches: iotlb {Geometry(options.Iotlb)}, iotlb-large {large}, context-cache {Geometry(options.ContextCache)}, " +
            $"pasid-cache {Geometry(options.PasidCache)}, psc {Geometry(options.PagingStructureCache)}, iec {Geometry(unit.InterruptEntryCache.Geometry)}");
        int lines = 1;
        lines += Section(output, "iotlb", unit.Caches.Iotlb.Snapshot(), Format);
        lines += Section(output, "context-cache", unit.Caches.ContextCache.Snapshot(), Format);
        lines += Section(output, "pasid-cache", unit.Caches.PasidCache.Snapshot(), Format);
        lines += Section(output, "psc", unit.Caches.PagingStructureCache.Snapshot(), Format);
        bool x2Apic = (unit.InterruptRemapTable & (1UL << 11)) != 0;
        lines += Section(output, "iec", unit.InterruptEntryCache.Snapshot(), e => $"iec irte[{e.Index}] {InterruptRemapTableDump.Decode(e.Low, e.High, x2Apic)}");
        return lines;
    }

    // Every device with ATS: its device-TLB's geometry and entries (PASID, input page, size, output page, rights).
    private static int WriteDeviceTlbs(Platform platform, TextWriter output)
    {
        int lines = 0;
        foreach (PciEndpoint device in platform.Devices.OrderBy(d => d.SourceId))
        {
            if (device.DeviceTlb is not { } tlb)
            {
                continue;
            }

            IReadOnlyList<DeviceTlbEntry> entries = tlb.Snapshot();
            output.WriteLine($"# device-tlb {device.Bdf} ({Geometry(tlb.Geometry)}, unit {platform.UnitIndexFor(device.SourceId)}): {Counts.Plural(entries.Count, "entry")}");
            lines++;
            foreach (DeviceTlbEntry entry in entries)
            {
                string pasid = entry.HasPasid ? $" pasid=0x{entry.Pasid:x}" : string.Empty;
                output.WriteLine($"device-tlb {device.Bdf}{pasid} 0x{entry.InputPage:x} {ScenarioOutcomeText.Size(entry.PageShift)} -> 0x{entry.OutputPage:x} {(entry.Read ? 'r' : '-')}{(entry.Write ? 'w' : '-')}");
                lines++;
            }
        }

        return lines;
    }

    private static int Section<T>(TextWriter output, string name, IReadOnlyList<T> entries, Func<T, string> format)
    {
        output.WriteLine($"# {name}: {Counts.Plural(entries.Count, "entry")}");
        foreach (T entry in entries)
        {
            output.WriteLine(format(entry));
        }

        return entries.Count + 1;
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

    // The cached entry named by its level (2 PDE, 3 PDPE, 4 PML4E, 5 PML5E), first-level entries with their U/S and XD.
    private static string Format(CachedPagingStructure entry)
    {
        string name = entry.Level switch { 2 => "pde", 3 => "pdpe", 4 => "pml4e", _ => "pml5e" };
        string pasid = entry.Pasid is { } p ? $" first-level pasid=0x{p:x}" : " second-level";
        string flags = entry.Pasid is null ? string.Empty : $"{(entry.User ? " u" : " s")}{(entry.ExecuteDisabled ? " xd" : string.Empty)}";
        return $"psc did={entry.Did}{pasid} {name} 0x{entry.RegionBase:x} -> table 0x{entry.TableAddress:x} {Rights(entry.Rights)}{flags}";
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

    private static string Format(PasidCacheEntry entry)
    {
        PciBdf bdf = PciBdf.FromSourceId(entry.SourceId);
        return entry.IsNegative
            ? $"pasid-cache {bdf} pasid=0x{entry.Pasid:x} -> fault {(byte)entry.Fault:x2}"
            : $"pasid-cache {bdf} pasid=0x{entry.Pasid:x} did={entry.Did} pgtt={entry.PasidGranularTranslationType} ptr=0x{entry.TablePointer:x}{(entry.Fpd ? " fpd" : string.Empty)}";
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
