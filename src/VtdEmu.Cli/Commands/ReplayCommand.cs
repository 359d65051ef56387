using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Replay;
using VtdEmu.Faults;
using VtdEmu.Translation;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu replay TRACE</c>: reads a DMA trace (plain or gzip), summarises it, and replays it as
/// DMA on a platform set up by an optional scenario, with the IOTLB geometry given on the command line,
/// and reports the unit's cache statistics and translation throughput over the replay.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Traces larger than this show a progress bar while loading (on a terminal).</summary>
    private const long ProgressThreshold = 1 << 20;

    private sealed record Settings(string Trace, string? Setup, string? Preset, int? Entries, int? Ways, string? Policy);

    public static Command Create(CliContext context)
    {
        var trace = new Argument<string>("trace") { Description = "The trace: one 'BDF IOVA LEN R|W' per line, # comments; gzip is recognised by its magic bytes." };
        var setup = new Option<string?>("--setup") { Description = "A scenario run before the replay to program the unit (root table, context entries, page tables, TE)." };
        var preset = new Option<string?>("--preset") { Description = $"Capability preset (default: the setup scenario's, else {ScenarioSetup.DefaultPreset})." };
        var entries = new Option<int?>("--iotlb-entries") { Description = "IOTLB (4-KiB array) entries; 0 disables it.", CustomParser = r => NumberParsing.ParseInt(r) };
        var ways = new Option<int?>("--iotlb-ways") { Description = "IOTLB associativity: entries / ways must be a power of two (1 = direct-mapped).", CustomParser = r => NumberParsing.ParseInt(r) };
        var policy = new Option<string?>("--iotlb-policy") { Description = "IOTLB replacement policy: lru, plru (tree pseudo-LRU) or random." };
        var command = new Command("replay", "Replay a DMA trace through the remapping unit and count outcomes.")
        {
            trace, setup, preset, entries, ways, policy,
        };
        command.SetAction(parse => Run(context, new Settings(
            parse.GetRequiredValue(trace),
            parse.GetValue(setup),
            parse.GetValue(preset),
            parse.GetValue(entries),
            parse.GetValue(ways),
            parse.GetValue(policy))));
        return command;
    }

    private static int Run(CliContext context, Settings settings)
    {
        ReplacementPolicy? policy = null;
        if (settings.Policy is { } policyName && (policy = ScenarioParser.ParsePolicy(policyName)) is null)
        {
            context.Error.WriteLine($"replay: --iotlb-policy: expected lru, plru or random, found '{policyName}'");
            return ExitCode.BadInput;
        }

        if (settings.Entries is < 0 || settings.Ways is <= 0)
        {
            context.Error.WriteLine("replay: --iotlb-entries must be 0 or more and --iotlb-ways positive");
            return ExitCode.BadInput;
        }

        Scenario? setupScenario = null;
        if (settings.Setup is { } setupPath)
        {
            ScenarioParseResult parsed = ScenarioParser.ParseFile(setupPath);
            foreach (ScenarioError error in parsed.Errors)
            {
                context.Error.WriteLine(error);
            }

            if (!parsed.Succeeded)
            {
                return ExitCode.BadInput;
            }

            setupScenario = parsed.Scenario;
        }

        List<TraceAccess>? accesses = Load(context, settings.Trace, out TraceSummary summary);
        if (accesses is null)
        {
            return ExitCode.BadInput;
        }

        IAnsiConsole console = context.ConsoleFor(context.Out);
        console.Write(SummaryTable(settings.Trace, summary));

        ScenarioSetup platformSetup = PlatformSetup(settings, policy, setupScenario, summary);
        if (ScenarioParser.CheckCacheGeometry(platformSetup.Caches.Iotlb) is { } problem)
        {
            context.Error.WriteLine($"replay: IOTLB geometry: {problem}");
            return ExitCode.BadInput;
        }

        foreach (PciBdf device in summary.Devices)
        {
            if (!platformSetup.Devices.Contains(device))
            {
                context.Error.WriteLine($"{settings.Setup}: the trace's device {device} is not declared (add 'device {device}')");
                return ExitCode.BadInput;
            }
        }

        if (!context.Platform.TryCreate(platformSetup, out IScenarioTarget? target, out ScenarioError? setupError))
        {
            context.Error.WriteLine(setupError);
            return ExitCode.BadInput;
        }

        if (setupScenario is not null)
        {
            ScenarioRunResult setupResult = ScenarioRunner.Run(setupScenario, target, context.Out);
            foreach (ScenarioError failure in setupResult.Failures)
            {
                context.Error.WriteLine(failure);
            }

            if (!setupResult.Passed)
            {
                context.Error.WriteLine("replay: the setup scenario failed; nothing was replayed");
                return ExitCode.Failed;
            }
        }

        // The setup scenario's own DMAs are not part of the measurement.
        (target as PlatformScenarioTarget)?.Platform.ResetStatistics();
        var clock = Stopwatch.StartNew();
        Dictionary<DmaOutcome, long> outcomes = TraceReplayer.Replay(target, accesses);
        clock.Stop();
        console.Write(OutcomeTable(outcomes));
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        if (target is PlatformScenarioTarget platform)
        {
            console.Write(CacheTable(platform.Platform, seconds));
        }

        context.Error.WriteLine($"replay: {accesses.Count} DMAs in {clock.Elapsed.TotalMilliseconds:0.0} ms ({accesses.Count / seconds:0} DMA/s)");
        return ExitCode.Success;
    }

    // The unit's counters over the replay only (definitions: spec-notes/caching.md, "Statistics").
    private static Table CacheTable(Platform platform, double seconds)
    {
        TranslationStatistics stats = platform.Statistics;
        var table = new Table { Title = new TableTitle($"Translation (iotlb {CacheContentsDump.Geometry(platform.Unit.Caches.Iotlb.Geometry)})") };
        table.AddColumn("Counter");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("translations", $"{stats.Translations}");
        table.AddRow("iotlb hits", $"{stats.IotlbHits}");
        table.AddRow("iotlb misses", $"{stats.IotlbMisses}");
        table.AddRow("iotlb hit rate", Counts.HitRate(stats.IotlbHits, stats.IotlbMisses));
        table.AddRow("context-cache hits", $"{stats.ContextCacheHits}");
        table.AddRow("context-cache misses", $"{stats.ContextCacheMisses}");
        table.AddRow("walks", $"{stats.Walks}");
        table.AddRow("table reads", $"{stats.TableReads}");
        table.AddRow("table reads/translation", $"{stats.ReadsPerTranslation:0.000###}");
        table.AddRow("faults", $"{stats.Faults}");
        table.AddRow("translations/s", $"{stats.Translations / seconds:0}");
        return table;
    }

    // Command-line geometry overrides the setup scenario's, key by key; entries=0 disables the IOTLB.
    private static ScenarioSetup PlatformSetup(Settings settings, ReplacementPolicy? policy, Scenario? setupScenario, TraceSummary summary)
    {
        ScenarioSetup setup = setupScenario?.Setup ?? new ScenarioSetup { File = settings.Trace, Devices = [.. summary.Devices] };
        CacheGeometry iotlb = setup.Caches.Iotlb;
        var geometry = new CacheGeometry(settings.Entries ?? iotlb.Entries, settings.Ways ?? iotlb.Ways, policy ?? iotlb.Policy);
        return setup with
        {
            Preset = settings.Preset ?? setup.Preset,
            Caches = setup.Caches with { Iotlb = geometry.Entries == 0 ? CacheGeometry.Disabled : geometry },
        };
    }

    private static List<TraceAccess>? Load(CliContext context, string path, out TraceSummary summary)
    {
        summary = new TraceSummary();
        using TraceReader? reader = TraceReader.TryOpen(path, out ScenarioError? openError);
        if (reader is null)
        {
            context.Error.WriteLine(openError);
            return null;
        }

        List<TraceAccess> accesses = [];
        TraceSummary into = summary;
        if (context.Interactive && reader.Length > ProgressThreshold)
        {
            context.ConsoleFor(context.Error).Progress().AutoClear(true).Start(progress =>
            {
                ProgressTask task = progress.AddTask("Reading trace", maxValue: reader.Length);
                while (reader.TryRead(out TraceAccess access))
                {
                    accesses.Add(access);
                    into.Add(access);
                    if ((reader.Count & 0xFFFF) == 0)
                    {
                        task.Value = reader.Position;
                    }
                }

                task.Value = task.MaxValue;
            });
        }
        else
        {
            while (reader.TryRead(out TraceAccess access))
            {
                accesses.Add(access);
                into.Add(access);
            }
        }

        if (reader.Error is { } error)
        {
            context.Error.WriteLine(error);
            return null;
        }

        return accesses;
    }

    private static Table SummaryTable(string path, TraceSummary summary)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(Path.GetFileName(path))) };
        table.AddColumn("Trace");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("accesses", $"{summary.Accesses}");
        table.AddRow("reads", $"{summary.Reads} ({summary.BytesRead} bytes)");
        table.AddRow("writes", $"{summary.Writes} ({summary.BytesWritten} bytes)");
        table.AddRow("devices", summary.Devices.Count == 0 ? "none" : string.Join(' ', summary.Devices));
        table.AddRow("distinct 4-KiB pages", $"{summary.DistinctPages}");
        return table;
    }

    // ok first, then faults by reason code, then abort and Unsupported Request.
    private static Table OutcomeTable(Dictionary<DmaOutcome, long> outcomes)
    {
        var table = new Table();
        table.AddColumn("Outcome");
        table.AddColumn(new TableColumn("DMAs").RightAligned());
        foreach ((DmaOutcome outcome, long count) in outcomes.OrderBy(o => o.Key.IsAborted ? 2 : o.Key.IsUnsupportedRequest ? 3 : o.Key.IsOk ? 0 : 1).ThenBy(o => o.Key.Fault))
        {
            string name = outcome.Fault == FaultReason.None ? outcome.ToString() : $"{outcome} ({outcome.Fault})";
            table.AddRow(new Text(name), new Text($"{count}"));
        }

        return table;
    }
}
