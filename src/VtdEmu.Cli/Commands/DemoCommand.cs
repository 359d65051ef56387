using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Demo;
using VtdEmu.Cli.Options;
using VtdEmu.Iommu.Intel;
using VtdEmu.Registers;
using VtdEmu.Translation;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu demo</c> (also what <c>vtdemu</c> does with no arguments): builds a platform, boots the
/// Intel VT-d driver under the IOMMU core over the demo's PCI topology (strict DMA domains), runs a
/// short DMA workload on three devices in three domains (one deliberate fault) and reports what was
/// programmed (read back through MMIO and guest memory), the DMA figures, the translation cost with
/// the unit's cache statistics, and the fault log read back through FSTS/FRCD.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        Option<Choice<UnitConfiguration>> preset = CliChoices.Presets.Option("--preset", "Capability preset.", UnitConfiguration.Qemu);
        var command = new Command("demo", "A guided tour: program the unit, run a DMA workload, report (the default command).") { preset };
        command.SetAction(parse => Run(context, parse.GetValue(preset).Name));
        return command;
    }

    public static int Run(CliContext context, string presetName)
    {
        if (UnitConfiguration.FindPreset(presetName) is not { } configuration)
        {
            return CliError.Write(context.Error, $"demo: --preset: {CliChoices.Presets.Expected(presetName)}", CliError.SeeHelp("demo"));
        }

        var clock = Stopwatch.StartNew();
        var workload = new DemoWorkload(configuration);
        workload.Run();
        clock.Stop();

        IAnsiConsole console = context.ConsoleFor(context.Out);
        console.Write(new Rule($"vtdemu demo: preset {configuration.Name}, CAP 0x{configuration.Capability.Value:x16}, ECAP 0x{configuration.ExtendedCapability.Value:x16}").LeftJustified());
        console.Write(ProgrammedTable(workload));
        console.Write(DmaTable(workload));
        console.Write(CacheTable(workload.Platform));
        console.Write(FaultTable(workload.Platform.Unit));
        console.WriteLine($"packets received and verified in host memory: {workload.PacketsVerified}/{workload.PacketsSent}");
        console.WriteLine($"done in {clock.Elapsed.TotalMilliseconds:0} ms");
        return ExitCode.Success;
    }

    private static Table ProgrammedTable(DemoWorkload workload)
    {
        IntelIommuDriver driver = workload.Driver;
        string invalidation = driver.QueuedInvalidation ? "queued" : "register-based";
        string mode = !driver.ScalableMode ? "legacy mode, second-level tables"
            : driver.FirstLevelTables ? "scalable mode, first-level tables" : "scalable mode, second-level tables";
        var table = new Table { Title = new TableTitle($"What the Intel driver programmed, read back ({mode}, AGAW {driver.Agaw}, {invalidation} invalidation)") };
        table.AddColumn("Structure");
        table.AddColumn("Value");
        foreach ((string structure, string detail) in ProgrammedStateReader.Read(workload.Platform.Unit, workload.Platform.Memory))
        {
            table.AddRow(new Text(structure), new Text(detail));
        }

        return table;
    }

    private static Table DmaTable(DemoWorkload workload)
    {
        var table = new Table { Title = new TableTitle("DMA") };
        table.AddColumn("Device");
        table.AddColumn("Role");
        foreach (string column in new[] { "DMAs", "Bytes", "Translations", "Table reads", "Reads/translation", "Faults" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        long dmas = 0, translations = 0, reads = 0, faults = 0;
        ulong bytes = 0;
        foreach (DemoDevice device in workload.Devices)
        {
            table.AddRow(
                PciBdf.FromSourceId(device.SourceId).ToString(),
                device.Role,
                $"{device.Dmas}",
                $"{device.Bytes}",
                $"{device.Translations}",
                $"{device.TableReads}",
                PerTranslation(device.TableReads, device.Translations),
                device.Faults == 0 ? "0" : $"{device.Faults} (last: {device.LastFault})");
            dmas += device.Dmas;
            bytes += device.Bytes;
            translations += device.Translations;
            reads += device.TableReads;
            faults += device.Faults;
        }

        table.AddRow("total", string.Empty, $"{dmas}", $"{bytes}", $"{translations}", $"{reads}", PerTranslation(reads, translations), $"{faults}");
        return table;
    }

    // The unit's own counters (spec-notes/caching.md, "Statistics"): lookups, hits and misses per
    // cache, and the walks the IOTLB misses cost.
    private static Table CacheTable(Platform platform)
    {
        TranslationStatistics stats = platform.Statistics;
        TranslationCaches caches = platform.Unit.Caches;
        var table = new Table { Title = new TableTitle($"Caches: {Counts.Plural(stats.Translations, "translation")}, {Counts.Plural(stats.Walks, "walk")}, {Counts.Plural(stats.TableReads, "table read")} ({stats.ReadsPerTranslation:0.00}/translation)") };
        table.AddColumn("Cache");
        table.AddColumn("Geometry");
        foreach (string column in new[] { "Lookups", "Hits", "Misses", "Hit rate", "Entries" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        AddCacheRow(table, "IOTLB", caches.Iotlb.Geometry, stats.IotlbHits, stats.IotlbMisses, caches.Iotlb.Count);
        AddCacheRow(table, "context cache", caches.ContextCache.Geometry, stats.ContextCacheHits, stats.ContextCacheMisses, caches.ContextCache.Count);
        AddCacheRow(table, "paging-structure cache", caches.PagingStructureCache.Geometry, stats.PagingStructureCacheHits, stats.PagingStructureCacheMisses, caches.PagingStructureCache.Count);
        return table;
    }

    private static void AddCacheRow(Table table, string name, CacheGeometry geometry, long hits, long misses, int entries)
    {
        long lookups = hits + misses;
        table.AddRow(name, Geometry(geometry), $"{lookups}", $"{hits}", $"{misses}", Counts.HitRate(hits, misses, decimals: 1), $"{entries}");
    }

    private static string Geometry(CacheGeometry geometry) =>
        !geometry.IsEnabled ? "off" : $"{Counts.Plural(geometry.Entries, "entry")}, {geometry.Ways}-way, {CliChoices.Policies.Of(geometry.Policy).Name}";

    private static Table FaultTable(IMmio mmio)
    {
        IReadOnlyList<FaultRecordReader.Record> records = FaultRecordReader.Read(mmio, out uint fsts);
        var table = new Table { Title = new TableTitle($"Fault log via MMIO: FSTS 0x{fsts:x8} PPF={fsts >> 1 & 1} PFO={fsts & 1} FRI={fsts >> 8 & 0xFF}") };
        table.AddColumn("FRCD");
        table.AddColumn("Source");
        table.AddColumn("Request");
        table.AddColumn(new TableColumn("Address").RightAligned());
        table.AddColumn("Reason");
        foreach (FaultRecordReader.Record record in records)
        {
            table.AddRow(
                $"{record.Index}",
                PciBdf.FromSourceId(record.SourceId).ToString(),
                record.Type.ToString().ToLowerInvariant(),
                $"0x{record.Address:x}",
                $"0x{(byte)record.Reason:x2} {record.Reason}");
        }

        if (records.Count == 0)
        {
            table.AddRow("-", "-", "-", "-", "no fault recorded");
        }

        return table;
    }

    private static string PerTranslation(long reads, long translations) =>
        translations == 0 ? "-" : $"{(double)reads / translations:0.00}";
}
