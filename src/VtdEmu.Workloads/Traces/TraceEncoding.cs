namespace VtdEmu.Workloads.Traces;

/// <summary>A trace file's format and compression, as written (the reader recognises both by magic bytes).</summary>
/// <param name="Format">Text or binary.</param>
/// <param name="Compression">None, gzip or zstd.</param>
public readonly record struct TraceEncoding(TraceFormat Format, TraceCompression Compression)
{
    /// <summary>The file extension of the binary format (<c>.vtdt</c>), before any <c>.gz</c> or <c>.zst</c>.</summary>
    public const string BinaryExtension = ".vtdt";

    /// <summary>
    /// The encoding a file name asks for: <c>.gz</c> gzip, <c>.zst</c> zstd, then <c>.vtdt</c> binary,
    /// anything else text; e.g. <c>a.vtdt.zst</c> is zstd-compressed binary, <c>a.trace.gz</c> gzip text.
    /// </summary>
    public static TraceEncoding FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        TraceCompression compression = TraceCompression.None;
        string name = path;
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            compression = TraceCompression.Gzip;
            name = name[..^3];
        }
        else if (name.EndsWith(".zst", StringComparison.OrdinalIgnoreCase))
        {
            compression = TraceCompression.Zstd;
            name = name[..^4];
        }

        TraceFormat format = name.EndsWith(BinaryExtension, StringComparison.OrdinalIgnoreCase) ? TraceFormat.Binary : TraceFormat.Text;
        return new TraceEncoding(format, compression);
    }

    /// <summary>The lower-case name used on the command line and in JSON: <c>text</c>, <c>binary</c>; <c>none</c>, <c>gzip</c>, <c>zstd</c>.</summary>
    public static string Name(TraceFormat format) => format == TraceFormat.Binary ? "binary" : "text";

    /// <inheritdoc cref="Name(TraceFormat)"/>
    public static string Name(TraceCompression compression) => compression switch
    {
        TraceCompression.Gzip => "gzip",
        TraceCompression.Zstd => "zstd",
        _ => "none",
    };
}
