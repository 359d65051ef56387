using VtdEmu.Workloads.Scenarios;
using System.Globalization;
using System.IO.Compression;

namespace VtdEmu.Workloads.Traces;

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
    /// for a blank or comment line, or set for a bad one. Allocates only for an error message.
    /// </summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, SourceLocation at, out TraceAccess access, out ScenarioError? error)
    {
        access = default;
        error = null;
        int comment = line.IndexOf('#');
        if (comment >= 0)
        {
            line = line[..comment];
        }

        Span<Range> fields = stackalloc Range[5];
        int count = Tokenize(line, fields);
        if (count == 0)
        {
            return false;
        }

        string? problem = null;
        PciBdf bdf = default;
        ulong iova = 0, length = 0;
        if (count != 4)
        {
            problem = $"expected 'BDF IOVA LEN R|W', found {(count > 4 ? "more than 4" : count.ToString(CultureInfo.InvariantCulture))} fields";
        }
        else if (!PciBdf.TryParse(line[fields[0]], out bdf))
        {
            problem = $"BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '{line[fields[0]]}'";
        }
        else if (!ScenarioNumber.TryParse(line[fields[1]], out iova))
        {
            problem = $"IOVA: expected {ScenarioNumber.Expected}, found '{line[fields[1]]}'";
        }
        else if (!ScenarioNumber.TryParse(line[fields[2]], out length) || length > ScenarioParser.MaxDmaLength)
        {
            problem = $"LEN: expected 0 to {ScenarioNumber.FormatAddress(ScenarioParser.MaxDmaLength)}, found '{line[fields[2]]}'";
        }
        else if (line[fields[3]] is not ("R" or "W" or "r" or "w"))
        {
            problem = $"expected R or W as the direction, found '{line[fields[3]]}'";
        }

        if (problem is not null)
        {
            error = new ScenarioError(at, problem);
            return false;
        }

        DmaDirection direction = line[fields[3]] is "R" or "r" ? DmaDirection.Read : DmaDirection.Write;
        access = new TraceAccess(bdf, iova, (uint)length, direction);
        return true;
    }

    /// <summary>Splits on spaces and tabs into at most <c>fields.Length</c> ranges; returns how many were found.</summary>
    private static int Tokenize(ReadOnlySpan<char> line, Span<Range> fields)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is (' ' or '\t' or '\r'))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] is not (' ' or '\t' or '\r'))
            {
                i++;
            }

            if (count == fields.Length)
            {
                return count;
            }

            fields[count++] = start..i;
        }

        return count;
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
