using System.CommandLine;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>--format text|binary</c> and <c>--compress none|gzip|zstd</c> for commands that write a trace;
/// each defaults to what the output file's name says (<see cref="TraceEncoding.FromPath"/>).
/// </summary>
internal sealed class TraceEncodingOptions
{
    public TraceEncodingOptions()
    {
        Format.AcceptOnlyFromAmong("text", "binary");
        Compress.AcceptOnlyFromAmong("none", "gzip", "zstd");
    }

    public Option<string?> Format { get; } = new("--format") { Description = "Trace format: text or binary (default: from the output name, binary for *.vtdt[.gz|.zst])." };

    public Option<string?> Compress { get; } = new("--compress") { Description = "Compression: none, gzip or zstd (default: from the output name, *.gz or *.zst)." };

    /// <summary>The encoding for <paramref name="path"/> (null = stdout, text), overridden by the flags.</summary>
    public TraceEncoding Resolve(ParseResult parse, string? path)
    {
        TraceEncoding named = path is null ? default : TraceEncoding.FromPath(path);
        TraceFormat format = parse.GetValue(Format) switch
        {
            "binary" => TraceFormat.Binary,
            "text" => TraceFormat.Text,
            _ => named.Format,
        };
        TraceCompression compression = parse.GetValue(Compress) switch
        {
            "gzip" => TraceCompression.Gzip,
            "zstd" => TraceCompression.Zstd,
            "none" => TraceCompression.None,
            _ => named.Compression,
        };
        return new TraceEncoding(format, compression);
    }
}
