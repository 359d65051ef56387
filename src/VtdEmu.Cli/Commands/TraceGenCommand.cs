using System.CommandLine;
using VtdEmu.Cli.Options;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary><c>vtdemu trace-gen</c>: writes a synthetic DMA trace for replay tests and IOTLB benchmarks.</summary>
internal static class TraceGenCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new TraceGeneratorOptions();
        Option<Choice<TracePattern>> pattern = CliChoices.TracePatterns.Option("--pattern", "Access pattern: back to back, a fixed stride apart, or random pages of the working set.", defaults.Pattern);
        var count = new Option<int>("--count") { Description = "Number of accesses.", DefaultValueFactory = _ => defaults.Count, CustomParser = NumberParsing.ParseInt };
        var devices = new Option<string[]>("--device") { Description = $"Requester bb:dd.f; repeat for several (used round-robin) [default: {string.Join(", ", defaults.Devices)}]" };
        var baseIova = new Option<ulong>("--base") { Description = "First IOVA.", DefaultValueFactory = _ => defaults.Base, CustomParser = NumberParsing.ParseULong };
        var length = new Option<int>("--length") { Description = "Bytes per access.", DefaultValueFactory = _ => (int)defaults.Length, CustomParser = NumberParsing.ParseInt };
        var stride = new Option<ulong>("--stride") { Description = "Bytes between accesses (strided).", DefaultValueFactory = _ => defaults.Stride, CustomParser = NumberParsing.ParseULong };
        var pages = new Option<ulong>("--pages") { Description = "Working set in 4-KiB pages; IOVAs stay in [base, base + pages * 4 KiB).", DefaultValueFactory = _ => defaults.WorkingSetPages, CustomParser = NumberParsing.ParseULong };
        var writeRatio = new Option<double>("--write-ratio") { Description = "Fraction of writes, 0 to 1.", DefaultValueFactory = _ => defaults.WriteRatio, CustomParser = NumberParsing.ParseDouble };
        var seed = new Option<int>("--seed") { Description = "Seed; the same options and seed give the same trace.", DefaultValueFactory = _ => defaults.Seed, CustomParser = NumberParsing.ParseInt };
        var output = new Option<string?>("--output", "-o") { Description = "Output file: binary for *.vtdt, gzip for *.gz, zstd for *.zst, e.g. t.vtdt.zst (default: stdout, text)." };
        var encoding = new TraceEncodingOptions();
        var command = new Command("trace-gen", "Write a synthetic DMA trace (sequential, strided or random working set), as text or binary.")
        {
            pattern, count, devices, baseIova, length, stride, pages, writeRatio, seed, output, encoding.Format, encoding.Compress,
        };
        command.SetAction(parse =>
        {
            List<PciBdf> bdfs = [];
            foreach (string text in parse.GetValue(devices) ?? [])
            {
                if (!PciBdf.TryParse(text, out PciBdf bdf))
                {
                    return CliError.Write(context.Error, $"trace-gen: --device: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '{text}'", "Write the requester as in 00:03.0.");
                }

                bdfs.Add(bdf);
            }

            int lengthValue = parse.GetValue(length);
            var options = new TraceGeneratorOptions
            {
                Pattern = parse.GetValue(pattern).Value,
                Count = parse.GetValue(count),
                Devices = bdfs.Count == 0 ? defaults.Devices : [.. bdfs],
                Base = parse.GetValue(baseIova),
                Length = (uint)Math.Max(lengthValue, 0),
                Stride = parse.GetValue(stride),
                WorkingSetPages = parse.GetValue(pages),
                WriteRatio = parse.GetValue(writeRatio),
                Seed = parse.GetValue(seed),
            };
            string? path = parse.GetValue(output);
            return Write(context, options, path, encoding.Resolve(parse, path));
        });
        return command;
    }

    private static int Write(CliContext context, TraceGeneratorOptions options, string? path, TraceEncoding encoding)
    {
        if (TraceGenerator.Validate(options) is { } problem)
        {
            return CliError.Write(context.Error, $"trace-gen: {problem}", CliError.SeeHelp("trace-gen"));
        }

        if (path is null)
        {
            if (encoding != default)
            {
                return CliError.Write(context.Error, "trace-gen: a binary or compressed trace needs an output file", "Add -o FILE.");
            }

            TraceGenerator.Write(options, context.Out);
            return ExitCode.Success;
        }

        try
        {
            using FileStream file = File.Create(path);
            using var writer = new TraceWriter(file, encoding, TraceGenerator.Describe(options));
            TraceGenerator.Write(options, writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return CliError.Write(context.Error, $"trace-gen: cannot write {path}: {e.Message}", "Check that the folder exists and is writable.");
        }

        return ExitCode.Success;
    }
}
