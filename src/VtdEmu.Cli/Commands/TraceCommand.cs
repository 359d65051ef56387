using System.CommandLine;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary><c>vtdemu trace convert IN OUT</c>: rewrites a trace in another format or compression, streaming.</summary>
internal static class TraceCommand
{
    private const int Batch = 4096;

    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("in") { Description = "The trace to read: text or binary, plain, gzip or zstd (recognised by magic bytes)." };
        var output = new Argument<string>("out") { Description = "The trace to write: binary for *.vtdt, gzip for *.gz, zstd for *.zst; text otherwise." };
        var encoding = new TraceEncodingOptions();
        var convert = new Command("convert", "Convert a DMA trace between text and binary (and plain, gzip, zstd).")
        {
            input, output, encoding.Format, encoding.Compress,
        };
        convert.SetAction(parse =>
        {
            string outPath = parse.GetRequiredValue(output);
            return Convert(context, parse.GetRequiredValue(input), outPath, encoding.Resolve(parse, outPath));
        });
        return new Command("trace", "Work with DMA trace files.") { convert };
    }

    private static int Convert(CliContext context, string inPath, string outPath, TraceEncoding encoding)
    {
        if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath))
        {
            return CliError.Write(context.Error, "trace convert: IN and OUT are the same file", "Write to another name.");
        }

        using TraceReader? reader = TraceReader.TryOpen(inPath, out ScenarioError? openError);
        if (reader is null)
        {
            return CliError.Write(context.Error, $"{openError}", "Check the path and that the file is readable.");
        }

        bool written = false;
        try
        {
            using (FileStream file = File.Create(outPath))
            using (var writer = new TraceWriter(file, encoding))
            {
                var batch = new TraceAccess[Batch];
                for (int n; (n = reader.ReadBatch(batch)) > 0;)
                {
                    foreach (TraceAccess access in batch.AsSpan(0, n))
                    {
                        writer.Write(access);
                    }
                }

                if (reader.Completed)
                {
                    writer.Complete();
                    written = true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            TryDelete(outPath);
            return CliError.Write(context.Error, $"trace convert: cannot write {outPath}: {e.Message}", "Check that the folder exists and is writable.");
        }

        if (!written)
        {
            // Never leave a partial output that would read as a complete trace.
            TryDelete(outPath);
            return CliError.Write(context.Error, reader.Error?.ToString() ?? $"{inPath}: the trace stops before its end", $"{outPath} was not written. {ReplayCommand.TraceFix}");
        }

        context.Out.WriteLine(
            $"trace convert: {Counts.Plural(reader.Count, "access")}, {inPath} ({TraceEncoding.Name(reader.Format)}, {TraceEncoding.Name(reader.Compression)}) -> " +
            $"{outPath} ({TraceEncoding.Name(encoding.Format)}, {TraceEncoding.Name(encoding.Compression)})");
        return ExitCode.Success;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the error above already says the output is not a trace.
        }
    }
}
