using System.IO.Compression;

namespace VtdEmu.Scenarios;

/// <summary>
/// Reads a DMA trace one access at a time: one <c>BDF IOVA LEN R|W</c> per line, <c>#</c>
/// comments, blank lines ignored. A gzip file is recognised by its magic bytes (1F 8B), whatever
/// its name (on seekable streams, such as files). The first bad line stops the reader and is reported in <see cref="Error"/>.
/// </summary>
public sealed class TraceReader : IDisposable
{
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];

    private readonly Stream _raw;
    private readonly StreamReader _reader;
    private readonly string _file;
    private int _line;

    /// <summary>Reads the trace in <paramref name="stream"/> (plain or gzip); <paramref name="file"/> names error locations.</summary>
    public TraceReader(Stream stream, string file)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        _file = file;
        _raw = stream;
        Stream text = _raw;
        if (IsGzip(_raw))
        {
            text = new GZipStream(_raw, CompressionMode.Decompress);
        }

        _reader = new StreamReader(text);
    }

    /// <summary>The first bad line, once <see cref="TryRead"/> has returned false because of it.</summary>
    public ScenarioError? Error { get; private set; }

    /// <summary>Accesses read so far.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes of the underlying (possibly compressed) stream consumed so far, for progress.</summary>
    public long Position => _raw.CanSeek ? _raw.Position : 0;

    /// <summary>Length of the underlying stream, or 0 when it cannot tell.</summary>
    public long Length => _raw.CanSeek ? _raw.Length : 0;

    /// <summary>Opens a trace file; an unreadable file gives an error instead of an exception.</summary>
    public static TraceReader? TryOpen(string path, out ScenarioError? error)
    {
        error = null;
        try
        {
            return new TraceReader(File.OpenRead(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = new ScenarioError(new SourceLocation(path, 0), $"cannot read the trace: {e.Message}");
            return null;
        }
    }

    /// <summary>Reads the next access; false at the end of the trace or at a bad line (<see cref="Error"/> set).</summary>
    public bool TryRead(out TraceAccess access)
    {
        access = default;
        while (Error is null)
        {
            string? line;
            try
            {
                line = _reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                Error = new ScenarioError(new SourceLocation(_file, _line + 1), $"corrupt gzip data: {e.Message}");
                return false;
            }

            if (line is null)
            {
                return false;
            }

            _line++;
            if (TryParseLine(line, new SourceLocation(_file, _line), out access, out ScenarioError? error))
            {
                Count++;
                return true;
            }

            Error = error;
        }

        return false;
    }

    /// <summary>
    /// Parses one trace line. Returns true with an access; false with <paramref name="error"/> null
    /// for a blank or comment line, or set for a bad one.
    /// </summary>
    public static bool TryParseLine(string line, SourceLocation at, out TraceAccess access, out ScenarioError? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        access = default;
        error = null;
        int comment = line.IndexOf('#', StringComparison.Ordinal);
        string[] tokens = (comment >= 0 ? line[..comment] : line)
            .Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0)
        {
            return false;
        }

        string? problem = null;
        Bdf bdf = default;
        ulong iova = 0, length = 0;
        if (tokens.Length != 4)
        {
            problem = $"expected 'BDF IOVA LEN R|W', found {tokens.Length} fields";
        }
        else if (!Bdf.TryParse(tokens[0], out bdf))
        {
            problem = $"BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '{tokens[0]}'";
        }
        else if (!ScenarioNumber.TryParse(tokens[1], out iova))
        {
            problem = $"IOVA: expected {ScenarioNumber.Expected}, found '{tokens[1]}'";
        }
        else if (!ScenarioNumber.TryParse(tokens[2], out length) || length > ScenarioParser.MaxDmaLength)
        {
            problem = $"LEN: expected 0 to {ScenarioNumber.FormatAddress(ScenarioParser.MaxDmaLength)}, found '{tokens[2]}'";
        }
        else if (tokens[3] is not ("R" or "W" or "r" or "w"))
        {
            problem = $"expected R or W as the direction, found '{tokens[3]}'";
        }

        if (problem is not null)
        {
            error = new ScenarioError(at, problem);
            return false;
        }

        access = new TraceAccess(bdf, iova, (uint)length, tokens[3] is "R" or "r" ? DmaDirection.Read : DmaDirection.Write);
        return true;
    }

    public void Dispose() => _reader.Dispose();

    private static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[2];
        long start = stream.Position;
        int read = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return read == 2 && head.SequenceEqual(GzipMagic);
    }
}
