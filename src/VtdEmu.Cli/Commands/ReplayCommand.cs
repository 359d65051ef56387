using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Options;
using VtdEmu.Cli.Replay;
using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Translation;
using VtdEmu.Workloads.Mapping;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu replay TRACE</c>: reads a DMA trace (text or binary; plain, gzip or zstd) once to check
/// and summarise it, then streams it again as DMA, in batches through the unit's port API, on a
/// platform set up by an optional scenario with the IOTLB geometry given on the command line, and
/// reports the unit's cache statistics, with load, read and translate times apart. A trace that is
/// corrupt or truncated is an error before anything is replayed: no partial result is printed.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Traces larger than this show a progress bar while loading (on a terminal).</summary>
    private const long ProgressThreshold = 1 << 20;

    /// <summary>Accesses read and replayed per batch: memory is this, whatever the trace's length.</summary>
    private const int Batch = 4096;

    /// <summary>What to do about a trace that does not read to its end.</summary>
    internal const string TraceFix = "Fix the trace at that point, or record or generate it again.";

    private sealed record Settings(string Trace, string? Setup, string? Preset, int? Entries, int? Ways, ReplacementPolicy? Policy, bool Json, PageSize PageSize, bool NoDefaultSetup);

    public static Command Create(CliContext context)
    {
        var trace = new Argument<string>("trace") { Description = "The trace: text (one 'BDF IOVA LEN R|W' per line, # comments) or binary (.vtdt); gzip and zstd are recognised by their magic bytes." };
        var setup = new Option<string?>("--setup") { Description = "A scenario run before the replay to program the unit (root table, context entries, page tables, TE)." };
        Option<Choice<UnitConfiguration>?> preset = CliChoices.Presets.OptionalOption("--preset", $"Capability preset (default: the setup scenario's, else {ScenarioSetup.DefaultPreset}).");
        CacheGeometry model = new ScenarioSetup().Caches.Iotlb;
        var entries = new Option<int?>("--iotlb-entries") { Description = $"IOTLB (4-KiB array) entries; 0 disables it (default: the setup scenario's, else {model.Entries}).", CustomParser = r => NumberParsing.ParseInt(r) };
        var ways = new Option<int?>("--iotlb-ways") { Description = $"IOTLB associativity: entries / ways must be a power of two; 1 = direct-mapped (default: the setup scenario's, else {model.Ways}).", CustomParser = r => NumberParsing.ParseInt(r) };
        Option<Choice<ReplacementPolicy>?> policy = CliChoices.Policies.OptionalOption("--iotlb-policy", $"IOTLB replacement policy: plru is tree pseudo-LRU, flush empties the whole IOTLB when full, as QEMU does (default: the setup scenario's, else {ScenarioParser.PolicyName(model.Policy)}).");
        Option<Choice<PageSize>> pageSize = CliChoices.PageSizes.Option("--page-size", "Without --setup: the page size the default setup maps every touched page with.", PageSize.Size4K);
        var noDefault = new Option<bool>("--no-default-setup") { Description = "Without --setup, refuse to replay instead of mapping the trace's pages (an unprogrammed unit translates nothing)." };
        var command = new Command("replay", "Replay a DMA trace through the remapping unit and count outcomes.")
        {
            trace, setup, preset, entries, ways, policy, pageSize, noDefault,
        };
        FormatOptions format = FormatOptions.AddTo(command, "one object; schema in the README");
        command.SetAction(parse => Run(context, new Settings(
            parse.GetRequiredValue(trace),
            parse.GetValue(setup),
            parse.GetValue(preset)?.Name,
            parse.GetValue(entries),
            parse.GetValue(ways),
            parse.GetValue(policy)?.Value,
            format.IsJson(parse),
            parse.GetValue(pageSize).Value,
            parse.GetValue(noDefault))));
        return command;
    }

    private static int Run(CliContext context, Settings settings)
    {
        const string Help = "Run 'vtdemu replay --help' for usage.";
        if (settings.Ways is 0)
        {
            return CliError.Write(context.Error, "replay: --iotlb-ways: expected 1 or more, found 0", Help);
        }

        if (settings.Setup is null && settings.NoDefaultSetup)
        {
            return CliError.Write(
                context.Error,
                "replay: --no-default-setup without --setup: nothing would map the trace",
                "Give --setup SCENARIO, or drop --no-default-setup to map every touched page.");
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
                return CliError.Write(context.Error, $"replay: {Counts.Plural(parsed.Errors.Length, "parse error")} in the setup scenario; nothing was replayed", "Fix the lines above and run again.");
            }

            setupScenario = parsed.Scenario;
        }

        // The same geometry check as the scenario directive and the caches themselves, before any work.
        CacheGeometry iotlb = Geometry(settings, setupScenario);
        if (iotlb.Check() is { } problem)
        {
            return CliError.Write(context.Error, $"replay: IOTLB geometry: {problem}", "Change --iotlb-entries or --iotlb-ways (or the setup's iotlb line).");
        }

        var clock = Stopwatch.StartNew();
        TraceSummary? summary = Load(context, settings.Trace, out TraceEncoding encoding, out long fileBytes, out long dataBytes);
        if (summary is null)
        {
            return ExitCode.BadInput;
        }

        TimeSpan load = clock.Elapsed;
        bool json = settings.Json;
        IAnsiConsole console = context.ConsoleFor(context.Out);
        ScenarioSetup platformSetup = PlatformSetup(settings, iotlb, setupScenario, summary);
        if (!json)
        {
            console.Write(ReplayReport.SummaryTable(settings.Trace, encoding, summary));
        }

        foreach (PciBdf device in summary.Devices)
        {
            if (!platformSetup.Devices.Contains(device))
            {
                return CliError.Write(context.Error, $"replay: {settings.Setup}: the trace's device {device} is not declared; nothing was replayed", $"Add 'device {device}' to the setup scenario.");
            }
        }

        if (!context.Platform.TryCreate(platformSetup, out IScenarioTarget? target, out ScenarioError? setupError))
        {
            return CliError.Write(context.Error, setupError.ToString(), settings.Setup is null ? "Check --preset." : "Fix that line of the setup scenario, or check --preset.");
        }

        if (setupScenario is not null)
        {
            // In JSON mode stdout carries the one object only; the setup's result lines go to stderr.
            ScenarioRunResult setupResult = ScenarioRunner.Run(setupScenario, target, json ? context.Error : context.Out);
            foreach (ScenarioError failure in setupResult.Failures)
            {
                context.Error.WriteLine(failure);
            }

            if (!setupResult.Passed)
            {
                return CliError.Write(context.Error, "replay: the setup scenario failed; nothing was replayed", "Fix the setup's failed lines above and run again.", ExitCode.Failed);
            }
        }

        // The setup scenario's own DMAs are not part of the measurement.
        Platform? platform = (target as PlatformScenarioTarget)?.Platform;
        if (setupScenario is null && platform is not null && !MapDefault(context, platform, summary, settings.PageSize))
        {
            return ExitCode.BadInput;
        }

        platform?.ResetStatistics();
        var replayer = new TraceReplayer(target);
        if (!Replay(context, settings.Trace, replayer, summary.Accesses, out TimeSpan read, out TimeSpan translate))
        {
            return ExitCode.BadInput;
        }

        var report = new ReplayReport
        {
            Path = settings.Trace,
            Encoding = encoding,
            FileBytes = fileBytes,
            DataBytes = dataBytes,
            Summary = summary,
            Iotlb = platform?.Unit.Caches.Iotlb.Geometry ?? iotlb,
            Outcomes = replayer.Outcomes(),
            Statistics = platform?.Statistics,
            Load = load,
            Read = read,
            Translate = translate,
        };
        if (json)
        {
            using var buffer = new MemoryStream();
            report.WriteJson(buffer);
            context.Out.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            report.WriteTables(console, summary: false, results: true);
        }

        context.Error.WriteLine(report.TimingLine());
        return ExitCode.Success;
    }

    // Pass 2: stream the trace again in batches; time reading and translating apart. The trace was
    // checked in pass 1, so an error here means it changed in between: no result is printed.
    private static bool Replay(CliContext context, string path, TraceReplayer replayer, long expected, out TimeSpan read, out TimeSpan translate)
    {
        read = translate = TimeSpan.Zero;
        using TraceReader? reader = TraceReader.TryOpen(path, out ScenarioError? openError);
        if (reader is null)
        {
            CliError.Write(context.Error, $"{openError}", "The trace was readable a moment ago: check that nothing else writes or moves it.");
            return false;
        }

        var batch = new TraceAccess[Batch];
        long readTicks = 0, translateTicks = 0;
        while (true)
        {
            long t0 = Stopwatch.GetTimestamp();
            int n = reader.ReadBatch(batch);
            long t1 = Stopwatch.GetTimestamp();
            readTicks += t1 - t0;
            if (n == 0)
            {
                break;
            }

            replayer.Replay(batch.AsSpan(0, n));
            translateTicks += Stopwatch.GetTimestamp() - t1;
        }

        read = Stopwatch.GetElapsedTime(0, readTicks);
        translate = Stopwatch.GetElapsedTime(0, translateTicks);
        if (!reader.Completed || reader.Count != expected)
        {
            context.Error.WriteLine(reader.Error?.ToString() ?? $"{path}: {Counts.Plural(reader.Count, "access")} on the second read, {expected} on the first");
            CliError.Write(context.Error, "replay: the trace changed while it was replayed; no result is printed", "Replay a trace that nothing else writes to.");
            return false;
        }

        return true;
    }

    private static CacheGeometry Geometry(Settings settings, Scenario? setupScenario)
    {
        CacheGeometry iotlb = (setupScenario?.Setup ?? new ScenarioSetup()).Caches.Iotlb;
        var geometry = new CacheGeometry(settings.Entries ?? iotlb.Entries, settings.Ways ?? iotlb.Ways, settings.Policy ?? iotlb.Policy);
        return geometry.Entries == 0 ? CacheGeometry.Disabled : geometry;
    }

    // Command-line geometry overrides the setup scenario's, key by key; entries=0 disables the IOTLB.
    // Without --setup: every page the trace touches, for every device in it, mapped read-write at PA = IOVA in one
    // domain, then TE (spec-notes/timing.md, "Default setup"). Said in one line on stderr, so stdout stays the result.
    private static bool MapDefault(CliContext context, Platform platform, TraceSummary summary, PageSize pageSize)
    {
        if (summary.PagesCapped)
        {
            CliError.Write(context.Error, $"replay: the trace touches more than {TraceSummary.MaxTrackedPages:N0} distinct pages, too many for the default setup", "Give --setup SCENARIO that maps them.");
            return false;
        }

        (ulong Iova, ulong Length)[] ranges = [.. summary.PageRuns()];
        if (DefaultMapping.Program(platform, summary.Devices.Select(d => d.SourceId), ranges, pageSize, 0) is { } error)
        {
            CliError.Write(context.Error, $"replay: default setup: {error}", "Give --setup SCENARIO that maps the trace.");
            return false;
        }

        context.Error.WriteLine(
            $"replay: no --setup: {Counts.Plural(summary.DistinctPages, "touched 4-KiB page")} mapped with {DefaultMapping.Format(pageSize)} pages at PA = IOVA for " +
            $"{Counts.Plural(summary.Devices.Count, "device")} in one domain, translation on (--no-default-setup refuses instead)");
        platform.ResetStatistics();
        return true;
    }

    private static ScenarioSetup PlatformSetup(Settings settings, CacheGeometry iotlb, Scenario? setupScenario, TraceSummary summary)
    {
        ScenarioSetup setup = setupScenario?.Setup ?? new ScenarioSetup { File = settings.Trace, Devices = [.. summary.Devices], Ram = [DefaultMapping.Ram] };
        return setup with
        {
            Preset = settings.Preset ?? setup.Preset,
            Caches = setup.Caches with { Iotlb = iotlb },
        };
    }

    // Pass 1: read, check and summarise the whole trace; any problem is reported here, before a
    // platform exists, so a corrupt trace never yields a result.
    private static TraceSummary? Load(CliContext context, string path, out TraceEncoding encoding, out long fileBytes, out long dataBytes)
    {
        encoding = default;
        fileBytes = dataBytes = 0;
        using TraceReader? reader = TraceReader.TryOpen(path, out ScenarioError? openError);
        if (reader is null)
        {
            CliError.Write(context.Error, $"{openError}", "Check the path and that the file is readable.");
            return null;
        }

        var summary = new TraceSummary();
        var batch = new TraceAccess[Batch];
        if (context.Interactive && reader.Length > ProgressThreshold)
        {
            context.ConsoleFor(context.Error).Progress().AutoClear(true).Start(progress =>
            {
                ProgressTask task = progress.AddTask("Reading trace", maxValue: reader.Length);
                for (int n; (n = reader.ReadBatch(batch)) > 0;)
                {
                    summary.Add(batch.AsSpan(0, n));
                    task.Value = reader.Position;
                }

                task.Value = task.MaxValue;
            });
        }
        else
        {
            for (int n; (n = reader.ReadBatch(batch)) > 0;)
            {
                summary.Add(batch.AsSpan(0, n));
            }
        }

        if (!reader.Completed)
        {
            CliError.Write(context.Error, reader.Error?.ToString() ?? $"{path}: the trace stops before its end", "Nothing was replayed. " + TraceFix);
            return null;
        }

        encoding = new TraceEncoding(reader.Format, reader.Compression);
        fileBytes = reader.Position;
        dataBytes = reader.DataPosition;
        return summary;
    }
}
