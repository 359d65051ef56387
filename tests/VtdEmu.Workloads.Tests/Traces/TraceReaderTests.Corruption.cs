using System.IO.Compression;
using System.Text;
using CsCheck;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

// Hostile input (spec-notes/traces.md, "Errors"): random bytes, truncations and corruptions never
// throw, never read as a complete trace, and name the byte where the problem is.
public sealed partial class TraceReaderTests
{
    private static readonly TraceEncoding s_binary = new(TraceFormat.Binary, TraceCompression.None);

    private static void AssertStoppedWithAnError(TraceReader reader, long dataLength)
    {
        Assert.False(reader.Completed);
        Assert.NotNull(reader.Error);
        Assert.InRange(reader.ErrorOffset, 0, dataLength);
    }

    [Fact]
    public void ReadBatch_RandomBytes_NeverThrowsAndAnErrorHasAnOffsetInTheFile()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            (_, TraceReader reader) = TraceCorpus.Read(bytes);

            Assert.True(reader.Completed || reader.Error is not null);
            Assert.InRange(reader.ErrorOffset, 0, bytes.Length);
        });
    }

    [Fact]
    public void ReadBatch_BinaryHeaderThenRandomBytes_NeverThrowsNorCompletes()
    {
        Gen.Byte.Array[0, 300].Sample(tail =>
        {
            byte[] bytes = [.. TraceCorpus.Write([], s_binary)[..BinaryTraceFormat.HeaderSize], .. tail];

            (_, TraceReader reader) = TraceCorpus.Read(bytes);

            // 16 random bytes pass as a trailer only with count 0, a matching CRC and zero reserved bytes.
            if (!reader.Completed)
            {
                AssertStoppedWithAnError(reader, bytes.Length);
            }
        });
    }

    [Fact]
    public void ReadBatch_CompressedRandomOrCutOrFlipped_NeverThrows()
    {
        Gen.Select(TraceCorpus.Access.Array[0, 40], Gen.Int[0, TraceCorpus.Encodings.Length - 1], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Bool).Sample((accesses, e, at, value, cut) =>
        {
            byte[] bytes = TraceCorpus.Write(accesses, TraceCorpus.Encodings[e]);
            if (bytes.Length == 0)
            {
                return;
            }

            int position = (int)((uint)at % (uint)bytes.Length);
            if (cut)
            {
                bytes = bytes[..position];
            }
            else
            {
                bytes[position] ^= (byte)(value | 1);
            }

            (_, TraceReader reader) = TraceCorpus.Read(bytes);

            Assert.InRange(reader.ErrorOffset, 0, long.MaxValue);
        });
    }

    [Fact]
    public void ReadBatch_BinaryCutAnywhere_IsTruncationAtTheCut()
    {
        Gen.Select(TraceCorpus.Access.Array[0, 20], Gen.Int[0, int.MaxValue]).Sample((accesses, at) =>
        {
            byte[] bytes = TraceCorpus.Write(accesses, s_binary);
            int cut = 1 + (int)((uint)at % (uint)(bytes.Length - 1));

            (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(bytes[..cut]);

            AssertStoppedWithAnError(reader, cut);
            Assert.Contains("truncated", reader.Error!.Message, StringComparison.Ordinal);
            Assert.Equal(cut, reader.ErrorOffset);
            Assert.Equal(accesses.Take(read.Count), read);
        });
    }

    [Fact]
    public void ReadBatch_BinaryByteChangedAfterTheMagic_NeverCompletes()
    {
        Gen.Select(TraceCorpus.Access.Array[1, 20], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((accesses, at, flip) =>
        {
            byte[] bytes = TraceCorpus.Write(accesses, s_binary);
            int position = 8 + (int)((uint)at % (uint)(bytes.Length - 8));
            bytes[position] ^= flip;

            (_, TraceReader reader) = TraceCorpus.Read(bytes);

            AssertStoppedWithAnError(reader, bytes.Length);
        });
    }

    [Fact]
    public void ReadBatch_CompressedCutAnywhere_IsTruncationNeverAResult()
    {
        Gen.Select(TraceCorpus.Access.Array[0, 40], Gen.Bool, Gen.Bool, Gen.Int[0, int.MaxValue]).Sample((accesses, binary, zstd, at) =>
        {
            var encoding = new TraceEncoding(binary ? TraceFormat.Binary : TraceFormat.Text, zstd ? TraceCompression.Zstd : TraceCompression.Gzip);
            byte[] bytes = TraceCorpus.Write(accesses, encoding);
            if (bytes.Length < 2)
            {
                return; // GZipStream writes nothing at all for an empty text trace
            }

            int cut = 1 + (int)((uint)at % (uint)(bytes.Length - 1));

            (_, TraceReader reader) = TraceCorpus.Read(bytes[..cut]);

            Assert.False(reader.Completed);
            Assert.Contains("truncated", reader.Error!.Message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(20)]
    public void TryRead_GzipCutInTheTrailerOrData_IsATruncationAtTheFileLength(int missing)
    {
        byte[] bytes = Gzip(Trace).ToArray();
        byte[] cut = bytes[..^missing];

        (_, TraceReader reader) = TraceCorpus.Read(cut);

        Assert.False(reader.Completed);
        Assert.StartsWith($"truncated gzip stream: the file ends at byte {cut.Length} before the end of the compressed data", reader.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(cut.Length, reader.ErrorOffset);
    }

    [Fact]
    public void TryRead_GzipCutMidLine_IsTruncationNotABadLine()
    {
        // Many lines, so the cut lands in the middle of one once decompressed.
        string text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"00:03.0 0x{i * 0x1000:x} 64 R\n"));
        byte[] bytes = Gzip(text).ToArray();

        (_, TraceReader reader) = TraceCorpus.Read(bytes[..(bytes.Length / 2)]);

        Assert.StartsWith("truncated gzip stream", reader.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("expected 'BDF", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_GzipCrcChanged_IsCorruptData()
    {
        byte[] bytes = Gzip(Trace).ToArray();
        bytes[^8] ^= 0x01;                      // CRC32, RFC 1952 §2.3.1

        (_, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.False(reader.Completed);
        Assert.StartsWith("corrupt gzip data before byte", reader.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("crc", reader.Error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryRead_GzipLengthChanged_IsCorruptData()
    {
        byte[] bytes = Gzip(Trace).ToArray();
        bytes[^4] ^= 0x01;                      // ISIZE, RFC 1952 §2.3.1

        (_, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.False(reader.Completed);
        Assert.StartsWith("corrupt gzip data", reader.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_TwoGzipMembers_AreOneTrace()
    {
        byte[] bytes = [.. Gzip(Trace).ToArray(), .. Gzip(Trace).ToArray()];

        (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.True(reader.Completed);
        Assert.Equal([.. s_expected, .. s_expected], read);
    }

    [Fact]
    public void TryRead_PlainTextCutMidLine_IsTruncationWithTheByte()
    {
        (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(Encoding.UTF8.GetBytes("00:03.0 0x1000 64 R\n00:03.0 0x10"));

        Assert.Single(read);
        Assert.Equal("t.trace:2: truncated: the trace ends at byte 32 in the middle of this line", reader.Error?.ToString());
        Assert.Equal(20, reader.ErrorOffset);
    }

    [Fact]
    public void TryRead_PlainTextLastLineCompleteWithoutNewline_IsAccepted()
    {
        (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(Encoding.UTF8.GetBytes("00:03.0 0x1000 64 R\n00:03.0 0x10 4 W"));

        Assert.True(reader.Completed);
        Assert.Equal(2, read.Count);
    }

    [Fact]
    public void TryRead_LineLongerThanTheLimit_IsAnErrorNotAnAllocation()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("00:03.0 0x1000 64 R\n#"), .. Enumerable.Repeat((byte)'x', 3 * TraceReader.MaxLineLength)];

        (_, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.Equal($"t.trace:2: line at byte 20 is longer than {TraceReader.MaxLineLength} bytes", reader.Error?.ToString());
    }

    [Fact]
    public void TryRead_Utf8ByteOrderMark_IsSkipped()
    {
        (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Trace)]);

        Assert.True(reader.Completed);
        Assert.Equal(s_expected, read);
    }

    [Fact]
    public void TryRead_BinaryRecordWithReservedByteSet_NamesRecordAndByte()
    {
        byte[] bytes = TraceCorpus.Write(s_expected, s_binary);
        bytes[16 + 16 + 15] = 0x80;

        (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.Single(read);
        Assert.Equal("t.trace: record 1 at byte 32: reserved byte 15 is 0x80, must be 0", reader.Error?.ToString());
        Assert.Equal(32, reader.ErrorOffset);
    }

    [Fact]
    public void TryRead_BinaryDataAfterTheTrailer_IsAnError()
    {
        byte[] bytes = [.. TraceCorpus.Write(s_expected, s_binary), 0];

        (_, TraceReader reader) = TraceCorpus.Read(bytes);

        Assert.Equal($"t.trace: unexpected data at byte {bytes.Length - 1}, after the trailer", reader.Error?.ToString());
    }
}
