using System.CommandLine;
using VtdEmu.Cli.Options;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>--format text|binary</c> and <c>--compress none|gzip|zstd</c> for commands that write a trace;
/// each defaults to what the output file's name says (<see cref="TraceEncoding.FromPath"/>).
/// </summary>
internal sealed class TraceEncodingOptions
{
    public Option<Choice<TraceFormat>?> Format { get; } = CliChoices.TraceFormats.OptionalOption("--format", "Trace format (default: from the output name, binary for *.vtdt[.gz|.zst], else text).");

    public Option<Choice<TraceCompression>?> Compress { get; } = CliChoices.Compressions.OptionalOption("--compress", "Compression (default: from the output name, gzip for *.gz, zstd for *.zst, else none).");

    /// <summary>The encoding for <paramref name="path"/> (null = stdout, text), overridden by the flags.</summary>
    public TraceEncoding Resolve(ParseResult parse, string? path)
    {
        ArgumentNullException.ThrowIfNull(parse);
        TraceEncoding named = path is null ? default : TraceEncoding.FromPath(path);
        return new TraceEncoding(parse.GetValue(Format)?.Value ?? named.Format, parse.GetValue(Compress)?.Value ?? named.Compression);
    }
}
