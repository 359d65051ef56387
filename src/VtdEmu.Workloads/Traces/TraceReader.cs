using System.Globalization;
using System.IO.Hashing;
using System.Text;
using ICSharpCode.SharpZipLib.GZip;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces.Internal;

namespace VtdEmu.Workloads.Traces;

/// <summary>
/// Streams a DMA trace in batches with memory independent of its length: text (one
/// <c>BDF IOVA LEN R|W</c> per line, <c>#</c> comments, blank lines ignored) or binary
/// (<see cref="BinaryTraceFormat"/>), plain, gzip or zstd — all recognised by magic bytes, whatever
/// the file's name (compression only on seekable streams, such as files). The first problem stops the
/// reader and is reported in <see cref="Error"/> with the line (text) and the byte offset: a bad line
/// or record, a truncation (a binary trace without its trailer, a text trace or compressed stream that
/// ends mid-line or mid-stream), a checksum mismatch. Nothing read from the input throws
/// (spec-notes/traces.md).
/// </summary>
public sealed class TraceReader : IDisposable
{
    /// <summary>The longest text line accepted, in bytes (a bound on what a line without a newline can make the reader hold).</summary>
    public const int MaxLineLength = 4096;

    private const int BufferSize = 1 << 20;

    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];

    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly CountingStream _file;
    private readonly Stream _data;
    private readonly long _length;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly char[] _chars = new char[MaxLineLength];
    private readonly Crc32 _crc = new();
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;
    private bool _sniffed;
    private bool _done;
    private int _line;
    private TraceAccess[]? _single;
    private int _singleNext;
    private int _singleCount;

    /// <summary>Reads the trace in <paramref name="stream"/>; <paramref name="file"/> names error locations.</summary>
    public TraceReader(Stream stream, string file)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        _name = file;
        try
        {
            _length = stream.CanSeek ? stream.Length - stream.Position : 0;
            Compression = Sniff(stream);
        }
        catch (IOException e)
        {
            Fail(0, 0, $"cannot read the trace: {e.Message}");
        }

        _file = new CountingStream(stream);
        _data = Compression switch
        {
            TraceCompression.Gzip => new GZipInputStream(_file) { IsStreamOwner = false },
            TraceCompression.Zstd => new ZstdSharp.DecompressionStream(_file, leaveOpen: true),
            _ => _file,
        };
    }

    /// <summary>The trace's compression, from its magic bytes.</summary>
    public TraceCompression Compression { get; }

    /// <summary>The trace's format, from its first bytes (known after the first read; text until then).</summary>
    public TraceFormat Format { get; private set; }

    /// <summary>The first problem, once a read has stopped because of it.</summary>
    public ScenarioError? Error { get; private set; }

    /// <summary>The byte offset <see cref="Error"/> refers to: in the decompressed data for a bad line or record, in the file for a compression error.</summary>
    public long ErrorOffset { get; private set; }

    /// <summary>Accesses read so far.</summary>
    public long Count { get; private set; }

    /// <summary>True once the whole trace has been read and checked without error (a clean end of stream).</summary>
    public bool Completed => _done && Error is null;

    /// <summary>Bytes of the file (compressed, if it is) consumed so far, for progress.</summary>
    public long Position => _file.BytesRead;

    /// <summary>Length of the file, or 0 when the stream cannot tell.</summary>
    public long Length => _length;

    /// <summary>Bytes of trace data (after decompression) consumed so far.</summary>
    public long DataPosition => _bufferOffset + _start;

    /// <summary>Opens a trace file; an unreadable file gives an error instead of an exception.</summary>
    public static TraceReader? TryOpen(string path, out ScenarioError? error)
    {
        error = null;
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return new TraceReader(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = new ScenarioError(new SourceLocation(path, 0), $"cannot read the trace: {e.Message}");
            return null;
        }
    }

    /// <summary>Reads the next access; false at the end of the trace or at a problem (<see cref="Error"/> set).</summary>
    public bool TryRead(out TraceAccess access)
    {
        _single ??= new TraceAccess[256];
        if (_singleNext == _singleCount)
        {
            _singleCount = ReadBatch(_single);
            _singleNext = 0;
            if (_singleCount == 0)
            {
                access = default;
                return false;
            }
        }

        access = _single[_singleNext++];
        return true;
    }

    /// <summary>
    /// Reads up to <c>into.Length</c> accesses in trace order; returns how many. 0 means the end of
    /// the trace (<see cref="Completed"/>) or a problem (<see cref="Error"/>); a batch before a problem
    /// is returned first, so a caller that needs the whole trace must check <see cref="Completed"/>.
    /// </summary>
    public int ReadBatch(Span<TraceAccess> into)
    {
        if (Error is not null || _done || into.IsEmpty)
        {
            return 0;
        }

        if (!_sniffed)
        {
            SniffFormat();
            if (Error is not null)
            {
                return 0;
            }
        }

        return Format == TraceFormat.Binary ? ReadBinary(into) : ReadText(into);
    }

    public void Dispose()
    {
        _data.Dispose();
        _file.Dispose();
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

    private static TraceCompression Sniff(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return TraceCompression.None;
        }

        Span<byte> head = stackalloc byte[4];
        long start = stream.Position;
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return read >= 2 && head[..2].SequenceEqual(GzipMagic) ? TraceCompression.Gzip
            : read == 4 && head.SequenceEqual(ZstdMagic) ? TraceCompression.Zstd
            : TraceCompression.None;
    }

    // The format from the first bytes of the (decompressed) data: the binary magic, else text
    // (a UTF-8 byte order mark is skipped, as StreamReader did).
    private void SniffFormat()
    {
        _sniffed = true;
        if (!FillAtLeast(BinaryTraceFormat.HeaderSize))
        {
            return;
        }

        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, _end - _start);
        int magic = Math.Min(head.Length, BinaryTraceFormat.Magic.Length);
        if (magic > 0 && head[..magic].SequenceEqual(BinaryTraceFormat.Magic[..magic]))
        {
            Format = TraceFormat.Binary;
            if (head.Length < BinaryTraceFormat.HeaderSize)
            {
                Fail(DataPosition + head.Length, 0, $"truncated: the file ends at byte {DataPosition + head.Length}, inside the {BinaryTraceFormat.HeaderSize}-byte header");
                return;
            }

            if (BinaryTraceFormat.CheckHeader(head) is { } problem)
            {
                Fail(DataPosition, 0, $"header: {problem}");
                return;
            }

            _start += BinaryTraceFormat.HeaderSize;
            return;
        }

        if (head.StartsWith(Utf8Bom))
        {
            _start += Utf8Bom.Length;
        }
    }

    private int ReadBinary(Span<TraceAccess> into)
    {
        const int Size = BinaryTraceFormat.RecordSize;
        int count = 0;
        while (count < into.Length)
        {
            if (_end - _start < Size && !FillAtLeast(Size))
            {
                return count;
            }

            int available = _end - _start;
            if (available < Size)
            {
                long at = DataPosition;
                Fail(at + available, 0, available == 0
                    ? $"truncated: the trace ends at byte {at} after {Count} records, without its trailer"
                    : $"truncated: the record at byte {at} has {available} of its {Size} bytes");
                return count;
            }

            ReadOnlySpan<byte> records = _buffer.AsSpan(_start, Math.Min(available / Size, into.Length - count) * Size);
            int decoded = 0;
            string? problem = null;
            for (int offset = 0; offset < records.Length; offset += Size)
            {
                if (!BinaryTraceFormat.TryReadRecord(records.Slice(offset, Size), out into[count + decoded], out problem))
                {
                    break;
                }

                decoded++;
            }

            _crc.Append(records[..(decoded * Size)]);
            _start += decoded * Size;
            Count += decoded;
            count += decoded;
            if (problem is not null)
            {
                ReadOnlySpan<byte> record = _buffer.AsSpan(_start, Size);
                if (BinaryTraceFormat.Kind(record) == BinaryTraceFormat.KindTrailer)
                {
                    CheckTrailer(record);
                }
                else
                {
                    Fail(DataPosition, 0, $"record {Count} at byte {DataPosition}: {problem}");
                }

                return count;
            }
        }

        return count;
    }

    // The trailer must match what was read, and be the last thing in the data (a clean end of stream).
    private void CheckTrailer(ReadOnlySpan<byte> trailer)
    {
        long at = DataPosition;
        uint crc = _crc.GetCurrentHashAsUInt32();
        if (!BinaryTraceFormat.TryReadTrailer(trailer, out ulong count, out uint expectedCrc))
        {
            Fail(at, 0, $"trailer at byte {at}: reserved bytes 12, 13 and 15 must be 0");
            return;
        }

        if (count != (ulong)Count)
        {
            Fail(at, 0, $"trailer at byte {at}: it counts {count} records, {Count} were read (records lost or added)");
            return;
        }

        if (expectedCrc != crc)
        {
            Fail(at, 0, $"trailer at byte {at}: CRC-32 0x{expectedCrc:X8} does not match the records' 0x{crc:X8} (corrupt records between byte {BinaryTraceFormat.HeaderSize} and {at})");
            return;
        }

        _start += BinaryTraceFormat.RecordSize;
        if (!FillAtLeast(1))
        {
            return;
        }

        if (_end > _start)
        {
            Fail(DataPosition, 0, $"unexpected data at byte {DataPosition}, after the trailer");
            return;
        }

        _done = true;
    }

    private int ReadText(Span<TraceAccess> into)
    {
        int count = 0;
        while (count < into.Length)
        {
            ReadOnlySpan<byte> rest = _buffer.AsSpan(_start, _end - _start);
            int newline = rest.IndexOf((byte)'\n');
            bool ended = newline >= 0;
            if (!ended)
            {
                if (rest.Length <= MaxLineLength && !_eof)
                {
                    if (!FillAtLeast(rest.Length + 1))
                    {
                        return count;
                    }

                    continue;
                }

                if (rest.Length == 0)
                {
                    _done = true;
                    return count;
                }

                newline = rest.Length;
            }

            if (newline > MaxLineLength)
            {
                Fail(DataPosition, _line + 1, $"line at byte {DataPosition} is longer than {MaxLineLength} bytes");
                return count;
            }

            _line++;
            long lineStart = DataPosition;
            int length = Encoding.UTF8.GetChars(rest[..newline], _chars);
            _start += ended ? newline + 1 : newline;
            if (TryParseLine(_chars.AsSpan(0, length), new SourceLocation(_name, _line), out into[count], out ScenarioError? error))
            {
                Count++;
                count++;
            }
            else if (error is not null)
            {
                // A last line without its newline that does not parse is a cut-off trace, not a bad line.
                Error = ended ? error : new ScenarioError(error.Location, $"truncated: the trace ends at byte {lineStart + newline} in the middle of this line");
                ErrorOffset = lineStart;
                return count;
            }
        }

        return count;
    }

    // Makes at least `needed` bytes available from _start unless the data ends first; false on an error.
    private bool FillAtLeast(int needed)
    {
        if (_end - _start >= needed || _eof)
        {
            return true;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        try
        {
            while (_end < _buffer.Length && _end - _start < needed)
            {
                int read = _data.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    _eof = true;
                    break;
                }

                _end += read;
            }

            return true;
        }
#pragma warning disable CA1031 // Hostile bytes reach third-party decompressors: whatever they throw is a corrupt-input error, never a crash.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            FailDecompression(e);
            return false;
        }
    }

    private void FailDecompression(Exception e)
    {
        long at = _file.BytesRead;
        string what = Compression switch
        {
            TraceCompression.Gzip => "gzip",
            TraceCompression.Zstd => "zstd",
            _ => "the file",
        };

        // The decompressors report running out of input as an end-of-stream error: with the file
        // exhausted, that is a truncation (spec-notes/traces.md).
        bool truncated = _file.ReachedEnd && (e is EndOfStreamException || e.Message.Contains("EOF", StringComparison.Ordinal));
        string message = Compression == TraceCompression.None
            ? $"cannot read the trace at byte {at}: {e.Message}"
            : truncated
                ? $"truncated {what} stream: the file ends at byte {at} before the end of the compressed data ({e.Message})"
                : $"corrupt {what} data before byte {at} of the file: {e.Message}";
        Fail(at, 0, message);
    }

    private void Fail(long offset, int line, string message)
    {
        Error ??= new ScenarioError(new SourceLocation(_name, line), message);
        ErrorOffset = offset;
    }

}
