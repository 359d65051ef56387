using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VtdEmu.Cli.Replay;
using VtdEmu.Faults;
using VtdEmu.Scenarios;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu replay TRACE</c>: reads a DMA trace (plain or gzip), summarises it, and replays it as
/// DMA on a platform set up by an optional scenario, with the IOTLB geometry given on the command line.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Traces larger than this show a progress bar while loading (on a terminal).</summary>
    private const long ProgressThreshold = 1 << 20;

    private sealed record Settings(string Trace, string? Setup, string? Preset, int? Entries, int? Ways, CachePolicy? Policy);

    public static Command Create(CliContext context)
    {
        var trace = new Argument<string>("trace") { Description = "The trace: one 'BDF IOVA LEN R|W' per line, # comments; gzip is recognised by its magic bytes." };
        var setup = new Option<string?>("--setup") { Description = "A scenario run before the replay to program the unit (root table, context entries, page tables, TE)." };
        var preset = new Option<string?>("--preset") { Description = $"Capability preset (default: the setup scenario's, else {ScenarioSetup.DefaultPreset})." };
        var entries = new Option<int?>("--iotlb-entries") { Description = "IOTLB entries.", CustomParser = r => NumberParsing.ParseInt(r) };
        var ways = new Option<int?>("--iotlb-ways") { Description = "IOTLB associativity; entries must be a multiple of it.", CustomParser = r => NumberParsing.ParseInt(r) };
        var policy = new Option<CachePolicy?>("--iotlb-policy") { Description = "IOTLB replacement policy: lru, fifo or random." };
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
        if (settings.Entries is <= 0 || settings.Ways is <= 0 || (settings.Entries is { } e && settings.Ways is { } w && e % w != 0))
        {
            context.Error.WriteLine("replay: --iotlb-entries and --iotlb-ways must be positive, and entries a multiple of ways");
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

        ScenarioSetup platformSetup = PlatformSetup(settings, setupScenario, summary);
        foreach (Bdf device in summary.Devices)
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

        var clock = Stopwatch.StartNew();
        Dictionary<DmaOutcome, long> outcomes = TraceReplayer.Replay(target, accesses);
        clock.Stop();
        console.Write(OutcomeTable(outcomes));
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        context.Error.WriteLine($"replay: {accesses.Count} DMAs in {clock.Elapsed.TotalMilliseconds:0.0} ms ({accesses.Count / seconds:0} DMA/s)");
        return ExitCode.Success;
    }

    private static ScenarioSetup PlatformSetup(Settings settings, Scenario? setupScenario, TraceSummary summary)
    {
        ScenarioSetup setup = setupScenario?.Setup ?? new ScenarioSetup { File = settings.Trace, Devices = [.. summary.Devices] };
        CacheGeometry iotlb = setup.Iotlb;
        return setup with
        {
            Preset = settings.Preset ?? setup.Preset,
            Iotlb = new CacheGeometry(settings.Entries ?? iotlb.Entries, settings.Ways ?? iotlb.Ways, settings.Policy ?? iotlb.Policy),
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
