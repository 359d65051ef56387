using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Options;
using VtdEmu.Cli.Plotting;
using VtdEmu.Registers;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Sweeps;
using VtdEmu.Workloads.Timing;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu sweep</c>: runs a grid of IOTLB experiments (every combination of the listed axis
/// values) in parallel and writes one CSV or JSON Lines row per point on stdout; <c>sweep merge</c>
/// joins the CSVs of a sharded sweep. Axis values are comma-separated lists.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(CliContext context)
    {
        Option<Choice<UnitConfiguration>[]> preset = CliChoices.Presets.ListOption("--preset", "Presets (broadwell is calibrated; the others are marked uncalibrated).", UnitConfiguration.Broadwell);
        Option<Choice<bool>[]> translation = CliChoices.Translation.ListOption("--translation", "DMA remapping on, off, or both.", true);
        var entries = new Option<string?>("--iotlb-entries") { Description = "IOTLB entries; 0 disables it (default: the preset's)." };
        var ways = new Option<string?>("--iotlb-ways") { Description = "IOTLB ways (default: the preset's)." };
        Option<Choice<ReplacementPolicy>[]> policy = CliChoices.Policies.ListOption("--iotlb-policy", "IOTLB replacement policy: plru is tree pseudo-LRU, flush empties the whole IOTLB when full, as QEMU does (default: the preset's).");
        Option<Choice<PageSize>[]> pageSize = CliChoices.PageSizes.ListOption("--page-size", "Mapping page sizes.", PageSize.Size4K);
        Option<Choice<SweepPattern>[]> pattern = CliChoices.SweepPatterns.ListOption("--pattern", "Access patterns (default: random; trace when --trace is given).");
        var trace = new Option<string[]>("--trace") { Description = "Recorded traces to replay as points (repeatable).", AllowMultipleArgumentsPerToken = false };
        var windows = new Option<string>("--windows") { Description = "Window sizes in bytes (K, M, G suffixes: 4K,1536K,64M).", DefaultValueFactory = _ => "1M" };
        var accessSize = new Option<string>("--access-size") { Description = "Bytes per DMA.", DefaultValueFactory = _ => "64" };
        Option<Choice<DmaDirection>[]> direction = CliChoices.Directions.ListOption("--direction", "DMA directions.", DmaDirection.Read);
        var dmas = new Option<long>("--dmas") { Description = "DMAs per synthetic point.", DefaultValueFactory = _ => 1 << 20, CustomParser = NumberParsing.ParseLong };
        var stride = new Option<string>("--stride") { Description = "Bytes between accesses of the strided pattern.", DefaultValueFactory = _ => "4K" };
        var zipf = new Option<double>("--zipf-s") { Description = "Zipf exponent.", DefaultValueFactory = _ => 0.99, CustomParser = NumberParsing.ParseDouble };
        var seed = new Option<ulong>("--seed") { Description = "Seed mixed into every point's generator.", DefaultValueFactory = _ => 1, CustomParser = NumberParsing.ParseULong };
        Option<Choice<bool>> format = CliChoices.SweepFormats.Option("--format", "Rows as CSV with a header, or as JSON Lines.", false);
        var shard = new Option<string?>("--shard") { Description = "I/N: run only shard I of N (1-based) of the grid; join with 'sweep merge'." };
        var plot = new Option<string?>("--plot") { Description = "Also draw gbit_per_s against the window (one line per varying axis) into this .svg or .png file." };
        var jobs = new Option<int?>("--jobs") { Description = "Points run at once (default: the number of processors).", CustomParser = r => NumberParsing.ParseInt(r) };
        var command = new Command("sweep", "Run a grid of IOTLB experiments through the functional model and the timing model; one row per point.")
        {
            preset, translation, entries, ways, policy, pageSize, pattern, trace, windows, accessSize, direction, dmas, stride, zipf, seed, format, shard, plot, jobs,
            CreateMerge(context),
        };
        command.SetAction(parse =>
        {
            try
            {
                string[] traces = parse.GetValue(trace) ?? [];
                SweepGrid grid = new()
                {
                    Presets = [.. parse.GetValue(preset)!.Select(p => p.Name)],
                    Translation = [.. parse.GetValue(translation)!.Select(t => t.Value)],
                    IotlbEntries = OptionalList(parse.GetValue(entries), "--iotlb-entries"),
                    IotlbWays = OptionalList(parse.GetValue(ways), "--iotlb-ways"),
                    IotlbPolicies = parse.GetValue(policy) is { Length: > 0 } policies ? [.. policies.Select(p => (ReplacementPolicy?)p.Value)] : [null],
                    PageSizes = [.. parse.GetValue(pageSize)!.Select(p => p.Value)],
                    Patterns = Patterns(parse.GetValue(pattern), traces),
                    Traces = traces,
                    Windows = List<ulong>(parse.GetValue(windows)!, "--windows", s => ParseSize(s) is { } v and > 0 ? v : null, "a size in bytes such as 4K, 1536K, 64M"),
                    AccessSizes = List<int>(parse.GetValue(accessSize)!, "--access-size", s => ParseSize(s) is { } v and > 0 and <= 4096 ? (int?)(int)v : null, "1 to 4096 bytes"),
                    Directions = [.. parse.GetValue(direction)!.Select(d => d.Value)],
                    Dmas = parse.GetValue(dmas) is > 0 and var n ? n : throw new SweepException("--dmas: expected a positive count, found 0"),
                    Stride = ParseSize(parse.GetValue(stride)!) is { } s and > 0 ? s : throw new SweepException($"--stride: expected a size in bytes such as 64 or 4K, found '{parse.GetValue(stride)}'"),
                    ZipfExponent = parse.GetValue(zipf) is > 0 and var z ? z : throw new SweepException($"--zipf-s: expected a positive exponent, found {parse.GetValue(zipf)}"),
                    Seed = parse.GetValue(seed),
                };
                string? plotFile = parse.GetValue(plot);
                if (plotFile is not null && !LineChart.Extensions.Contains(Path.GetExtension(plotFile).ToLowerInvariant()))
                {
                    throw new SweepException($"--plot: expected a file name ending in .svg or .png, found '{plotFile}'");
                }

                int jobCount = parse.GetValue(jobs) ?? Environment.ProcessorCount;
                if (jobCount < 1)
                {
                    throw new SweepException("--jobs: expected 1 or more, found 0");
                }

                return Run(context, grid, parse.GetValue(format).Value ? "jsonl" : "csv", parse.GetValue(shard), plotFile, jobCount);
            }
            catch (SweepException e)
            {
                return CliError.Write(context.Error, $"sweep: {e.Message}", CliError.SeeHelp("sweep"));
            }
        });
        return command;
    }

    private static int Run(CliContext context, SweepGrid grid, string format, string? shardSpec, string? plotFile, int jobs)
    {
        IReadOnlyList<SweepPoint> points = grid.Points();
        if (points.Count == 0)
        {
            throw new SweepException("the grid is empty (no point to run: give at least one value on every axis, and --trace with --pattern trace)");
        }

        if (shardSpec is not null)
        {
            (int shard, int count) = ParseShard(shardSpec);
            int total = points.Count;
            points = SweepGrid.Shard(points, shard, count);
            if (points.Count == 0)
            {
                throw new SweepException($"--shard {shardSpec}: the grid has {Counts.Plural(total, "point")}, so this shard is empty (use at most {Counts.Plural(total, "shard")})");
            }
        }

        foreach (SweepPoint point in points)
        {
            if (point.Pattern == SweepPattern.Zipf && point.WindowBytes / 4096 > 1 << 22)
            {
                throw new SweepException($"--pattern zipf: a window of {point.WindowBytes} bytes is over the {(1L << 22) * 4096} bytes zipf supports");
            }

            if (point.Pattern == SweepPattern.Trace && !File.Exists(point.TracePath))
            {
                return CliError.Write(context.Error, $"sweep: --trace: {point.TracePath}: no such file", "Check the path.");
            }
        }

        var clock = Stopwatch.StartNew();
        SweepResult[] results = context.Interactive
            ? RunWithProgress(context, points, jobs)
            : SweepRunner.RunAll(points, jobs);
        clock.Stop();

        if (format == "csv")
        {
            context.Out.WriteLine(SweepTable.CsvHeader);
        }
        var rows = new List<string[]>(results.Length);
        foreach (SweepResult result in results)
        {
            string[] cells = SweepTable.Cells(result, WorkbenchPreset.Find(result.Point.Preset)!.Caches);
            context.Out.WriteLine(format == "csv" ? SweepTable.CsvLine(cells) : SweepTable.JsonLine(cells));
            rows.Add(cells);
        }

        if (plotFile is not null && SweepPlot.TrySave(rows, plotFile) is { } plotError)
        {
            throw new SweepException($"--plot: {plotError}");
        }

        if (context.Interactive)
        {
            context.Error.WriteLine($"sweep: {Counts.Plural(points.Count, "point")} in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        return ExitCode.Success;
    }

    private static SweepResult[] RunWithProgress(CliContext context, IReadOnlyList<SweepPoint> points, int jobs)
    {
        SweepResult[] results = [];
        context.ConsoleFor(context.Error).Progress().AutoClear(true).Start(progress =>
        {
            ProgressTask task = progress.AddTask("Sweeping", maxValue: points.Count);
            results = SweepRunner.RunAll(points, jobs, () => task.Increment(1));
        });
        return results;
    }

    private static Command CreateMerge(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "The shards' CSV files.", Arity = ArgumentArity.OneOrMore };
        var merge = new Command("merge", "Join the CSV outputs of 'sweep --shard I/N' into the table one unsharded run writes.") { files };
        merge.SetAction(parse =>
        {
            try
            {
                SweepMerge.Merge(parse.GetValue(files)!, context.Out);
                return ExitCode.Success;
            }
            catch (SweepException e)
            {
                return CliError.Write(context.Error, $"sweep merge: {e.Message}", "Give the CSV files of one sharded sweep, each written by 'sweep --shard I/N --format csv'.");
            }
        });
        return merge;
    }

    /// <summary>I/N with 1 &lt;= I &lt;= N.</summary>
    internal static (int Shard, int Count) ParseShard(string spec)
    {
        string[] parts = spec.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int shard)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && shard >= 1 && shard <= count)
        {
            return (shard, count);
        }

        throw new SweepException($"--shard: expected I/N with 1 <= I <= N (e.g. 2/8), found '{spec}'");
    }

    /// <summary>Bytes with an optional K, M or G suffix (powers of 1024), or a 0x-hex number.</summary>
    internal static ulong? ParseSize(string text)
    {
        text = text.Trim();
        int shift = text.Length == 0 ? 0 : char.ToUpperInvariant(text[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        string digits = shift == 0 ? text : text[..^1];
        if (!ScenarioNumber.TryParse(digits, out ulong value) || value > ulong.MaxValue >> shift)
        {
            return null;
        }

        return value << shift;
    }

    private static IReadOnlyList<SweepPattern> Patterns(Choice<SweepPattern>[]? given, string[] traces)
    {
        if (given is not { Length: > 0 })
        {
            return [traces.Length > 0 ? SweepPattern.Trace : SweepPattern.Random];
        }

        SweepPattern[] patterns = [.. given.Select(p => p.Value)];
        if (patterns.Contains(SweepPattern.Trace) && traces.Length == 0)
        {
            throw new SweepException("--pattern trace needs --trace FILE");
        }

        return patterns;
    }

    private static IReadOnlyList<int?> OptionalList(string? text, string option) =>
        text is null ? [null] : [.. List(text, option, s => ParseSize(s) is { } v and <= CacheGeometry.MaxEntries ? (int?)(int)v : null, $"0 to {CacheGeometry.MaxEntries}").Select(v => (int?)v)];

    private static List<T> List<T>(string text, string option, Func<string, T?> parse, string expected)
        where T : struct
    {
        var values = new List<T>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            T? value = item.Length == 0 ? null : parse(item);
            values.Add(value ?? throw new SweepException($"{option}: expected {expected}, found '{item}'"));
        }

        return values;
    }

}
