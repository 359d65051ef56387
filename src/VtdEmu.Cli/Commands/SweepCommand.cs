using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Plotting;
using VtdEmu.Registers;
using VtdEmu.Workloads.Mapping;
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
        var preset = new Option<string>("--preset") { Description = "Presets (broadwell is calibrated; the others are marked uncalibrated).", DefaultValueFactory = _ => "broadwell" };
        var translation = new Option<string>("--translation") { Description = "on, off or on,off.", DefaultValueFactory = _ => "on" };
        var entries = new Option<string?>("--iotlb-entries") { Description = "IOTLB entries (default: the preset's; 0 disables it)." };
        var ways = new Option<string?>("--iotlb-ways") { Description = "IOTLB ways (default: the preset's)." };
        var policy = new Option<string?>("--iotlb-policy") { Description = "lru, plru, random, flush (empty the whole IOTLB when full, as QEMU does) (default: the preset's)." };
        var pageSize = new Option<string>("--page-size") { Description = "Mapping page sizes: 4K, 2M, 1G.", DefaultValueFactory = _ => "4K" };
        var pattern = new Option<string?>("--pattern") { Description = "random, sequential, strided, zipf (default random; trace when --trace is given)." };
        var trace = new Option<string[]>("--trace") { Description = "Recorded traces to replay as points (repeatable).", AllowMultipleArgumentsPerToken = false };
        var windows = new Option<string>("--windows") { Description = "Window sizes in bytes (K, M, G suffixes: 4K,1536K,64M).", DefaultValueFactory = _ => "1M" };
        var accessSize = new Option<string>("--access-size") { Description = "Bytes per DMA.", DefaultValueFactory = _ => "64" };
        var direction = new Option<string>("--direction") { Description = "read, write or read,write.", DefaultValueFactory = _ => "read" };
        var dmas = new Option<long>("--dmas") { Description = "DMAs per synthetic point.", DefaultValueFactory = _ => 1 << 20 };
        var stride = new Option<string>("--stride") { Description = "Bytes between accesses of the strided pattern.", DefaultValueFactory = _ => "4K" };
        var zipf = new Option<double>("--zipf-s") { Description = "Zipf exponent.", DefaultValueFactory = _ => 0.99 };
        var seed = new Option<ulong>("--seed") { Description = "Seed mixed into every point's generator.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "csv or jsonl.", DefaultValueFactory = _ => "csv" };
        var shard = new Option<string?>("--shard") { Description = "I/N: run only shard I of N (1-based) of the grid; join with 'sweep merge'." };
        var plot = new Option<string?>("--plot") { Description = "Also draw gbit_per_s against the window (one line per varying axis) into this .svg or .png file." };
        var jobs = new Option<int>("--jobs") { Description = "Points run at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("sweep", "Run a grid of IOTLB experiments through the functional model and the timing model; one row per point.")
        {
            preset, translation, entries, ways, policy, pageSize, pattern, trace, windows, accessSize, direction, dmas, stride, zipf, seed, format, shard, plot, jobs,
            CreateMerge(context),
        };
        command.SetAction(parse =>
        {
            try
            {
                SweepGrid grid = new()
                {
                    Presets = Names(parse.GetValue(preset)!),
                    Translation = List(parse.GetValue(translation)!, "--translation", t => t switch { "on" => true, "off" => false, _ => (bool?)null }, "on or off"),
                    IotlbEntries = OptionalList(parse.GetValue(entries), "--iotlb-entries"),
                    IotlbWays = OptionalList(parse.GetValue(ways), "--iotlb-ways"),
                    IotlbPolicies = parse.GetValue(policy) is { } p ? [.. List(p, "--iotlb-policy", ScenarioParser.ParsePolicy, "lru, plru, random or flush").Select(v => (ReplacementPolicy?)v)] : [null],
                    PageSizes = List(parse.GetValue(pageSize)!, "--page-size", DefaultMapping.ParsePageSize, "4K, 2M or 1G"),
                    Patterns = Patterns(parse.GetValue(pattern), parse.GetValue(trace) ?? []),
                    Traces = parse.GetValue(trace) ?? [],
                    Windows = List<ulong>(parse.GetValue(windows)!, "--windows", s => ParseSize(s) is { } v and > 0 ? v : null, "a size in bytes such as 4K, 1536K, 64M"),
                    AccessSizes = List<int>(parse.GetValue(accessSize)!, "--access-size", s => ParseSize(s) is { } v and > 0 and <= 4096 ? (int?)(int)v : null, "1 to 4096 bytes"),
                    Directions = List(parse.GetValue(direction)!, "--direction", d => d switch { "read" => DmaDirection.Read, "write" => DmaDirection.Write, _ => (DmaDirection?)null }, "read or write"),
                    Dmas = parse.GetValue(dmas) is > 0 and var n ? n : throw new SweepException("--dmas: expected a positive count"),
                    Stride = ParseSize(parse.GetValue(stride)!) is { } s and > 0 ? s : throw new SweepException("--stride: expected a size in bytes such as 64 or 4K"),
                    ZipfExponent = parse.GetValue(zipf) is > 0 and var z ? z : throw new SweepException("--zipf-s: expected a positive exponent"),
                    Seed = parse.GetValue(seed),
                };
                string outputFormat = parse.GetValue(format) is "csv" or "jsonl" ? parse.GetValue(format)! : throw new SweepException($"--format: expected csv or jsonl, found '{parse.GetValue(format)}'");
                string? plotFile = parse.GetValue(plot);
                if (plotFile is not null && !LineChart.Extensions.Contains(Path.GetExtension(plotFile).ToLowerInvariant()))
                {
                    throw new SweepException($"--plot: expected a file name ending in .svg or .png, found '{plotFile}'");
                }

                return Run(context, grid, outputFormat, parse.GetValue(shard), plotFile, parse.GetValue(jobs));
            }
            catch (SweepException e)
            {
                context.Error.WriteLine($"vtdemu: error: sweep: {e.Message}");
                return ExitCode.BadInput;
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
                throw new SweepException($"--shard {shardSpec}: the grid has {total} point(s), so this shard is empty (use at most {total} shards)");
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
                throw new SweepException($"--trace: {point.TracePath}: no such file");
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
            context.Error.WriteLine($"sweep: {points.Count} points in {clock.Elapsed.TotalSeconds:0.0} s");
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
                context.Out.Write(SweepMerge.Merge(parse.GetValue(files)!));
                return ExitCode.Success;
            }
            catch (SweepException e)
            {
                context.Error.WriteLine($"vtdemu: error: sweep merge: {e.Message}");
                return ExitCode.BadInput;
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

    private static IReadOnlyList<SweepPattern> Patterns(string? text, string[] traces)
    {
        if (text is null)
        {
            return [traces.Length > 0 ? SweepPattern.Trace : SweepPattern.Random];
        }

        List<SweepPattern> patterns = List(text, "--pattern", p => Enum.TryParse(p, ignoreCase: true, out SweepPattern v) && p.All(char.IsLetter) ? v : (SweepPattern?)null, "random, sequential, strided, zipf or trace");
        if (patterns.Contains(SweepPattern.Trace) && traces.Length == 0)
        {
            throw new SweepException("--pattern trace needs --trace FILE");
        }

        return patterns;
    }

    private static IReadOnlyList<int?> OptionalList(string? text, string option) =>
        text is null ? [null] : [.. List(text, option, s => ParseSize(s) is { } v and <= 1 << 20 ? (int?)(int)v : null, "0 to 1048576").Select(v => (int?)v)];

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

    private static List<string> Names(string text)
    {
        var names = new List<string>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            names.Add(WorkbenchPreset.Find(item) is null
                ? throw new SweepException($"--preset: expected {string.Join(", ", UnitConfiguration.Presets.Select(p => p.Name))}, found '{item}'")
                : item.ToLowerInvariant());
        }

        return names;
    }
}
