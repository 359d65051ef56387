using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace VtdEmu.Workloads.Traces;

/// <summary>
/// Writes a DMA trace as text or binary (<see cref="BinaryTraceFormat"/>), optionally gzip- or
/// zstd-compressed, streaming: memory is independent of the trace's length. <see cref="Complete"/>
/// writes the binary trailer and flushes; a writer disposed without it leaves a binary trace that
/// readers report as truncated, which is what it is.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private const int BufferRecords = 4096;

    private readonly Stream _output;
    private readonly Stream? _compressor;
    private readonly TextWriter? _text;
    private readonly byte[]? _buffer;
    private readonly Crc32 _crc = new();
    private int _buffered;
    private bool _completed;
    private bool _closed;

    /// <summary>
    /// Starts a trace on <paramref name="output"/> (left open) in <paramref name="encoding"/>;
    /// <paramref name="comment"/>, if any, becomes a <c>#</c> first line of a text trace (binary traces have none).
    /// </summary>
    public TraceWriter(Stream output, TraceEncoding encoding, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Encoding = encoding;
        _output = output;
        _compressor = encoding.Compression switch
        {
            TraceCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            TraceCompression.Zstd => Zstd(output),
            _ => null,
        };
        Stream target = _compressor ?? output;
        if (encoding.Format == TraceFormat.Text)
        {
            _text = new StreamWriter(target, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            if (comment is not null)
            {
                _text.WriteLine($"# {comment}");
            }
        }
        else
        {
            _buffer = new byte[BufferRecords * BinaryTraceFormat.RecordSize];
            BinaryTraceFormat.WriteHeader(_buffer);
            target.Write(_buffer, 0, BinaryTraceFormat.HeaderSize);
        }
    }

    /// <summary>The format and compression being written.</summary>
    public TraceEncoding Encoding { get; }

    /// <summary>Accesses written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Appends one access.</summary>
    public void Write(in TraceAccess access)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        Count++;
        if (_text is not null)
        {
            _text.WriteLine(access.ToString());
            return;
        }

        BinaryTraceFormat.WriteRecord(access, _buffer.AsSpan(_buffered * BinaryTraceFormat.RecordSize, BinaryTraceFormat.RecordSize));
        if (++_buffered == BufferRecords)
        {
            FlushRecords();
        }
    }

    /// <summary>Ends the trace: the binary trailer (count and CRC-32), the compressed stream's end, a flush.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (_text is not null)
        {
            _text.Flush();
        }
        else
        {
            FlushRecords();
            Span<byte> trailer = stackalloc byte[BinaryTraceFormat.RecordSize];
            BinaryTraceFormat.WriteTrailer((ulong)Count, _crc.GetCurrentHashAsUInt32(), trailer);
            (_compressor ?? _output).Write(trailer);
        }

        Close();
        _output.Flush();
    }

    public void Dispose() => Close();

    // Once only: a StreamWriter left open on its stream flushes that stream again on a second Dispose.
    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _completed = true;
        _text?.Dispose();
        _compressor?.Dispose();
    }

    private static CompressionStream Zstd(Stream output)
    {
        var zstd = new CompressionStream(output, level: 3, leaveOpen: true);

        // The frame checksum lets a reader tell corrupt data from good (RFC 8878 §3.1.1).
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return zstd;
    }

    private void FlushRecords()
    {
        ReadOnlySpan<byte> records = _buffer.AsSpan(0, _buffered * BinaryTraceFormat.RecordSize);
        _crc.Append(records);
        (_compressor ?? _output).Write(records);
        _buffered = 0;
    }
}
