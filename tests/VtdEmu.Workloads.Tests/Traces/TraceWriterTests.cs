using CsCheck;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

public sealed class TraceWriterTests
{
    [Fact]
    public void Write_AnyAccessesInAnyEncoding_ReadBackExactlyAndCompletely()
    {
        Gen.Select(TraceCorpus.Access.Array[0, 300], Gen.Int[0, TraceCorpus.Encodings.Length - 1], Gen.Int[1, 600]).Sample((accesses, e, batch) =>
        {
            TraceEncoding encoding = TraceCorpus.Encodings[e];

            (List<TraceAccess> read, TraceReader reader) = TraceCorpus.Read(TraceCorpus.Write(accesses, encoding, "c"), batch);

            Assert.Null(reader.Error);
            Assert.True(reader.Completed);
            Assert.Equal(accesses, read);
            Assert.Equal(accesses.Length, reader.Count);
            Assert.Equal(encoding, new TraceEncoding(reader.Format, reader.Compression));
        });
    }

    [Fact]
    public void Write_TextToBinaryToText_GivesTheSameTextAndRecords()
    {
        TraceCorpus.Access.Array[0, 200].Sample(accesses =>
        {
            byte[] text = TraceCorpus.Write(accesses, new TraceEncoding(TraceFormat.Text, TraceCompression.None));
            (List<TraceAccess> fromText, _) = TraceCorpus.Read(text);
            byte[] binary = TraceCorpus.Write(fromText, new TraceEncoding(TraceFormat.Binary, TraceCompression.None));
            (List<TraceAccess> fromBinary, _) = TraceCorpus.Read(binary);

            Assert.Equal(accesses, fromBinary);
            Assert.Equal(text, TraceCorpus.Write(fromBinary, new TraceEncoding(TraceFormat.Text, TraceCompression.None)));
            Assert.Equal(BinaryTraceFormat.HeaderSize + ((accesses.Length + 1) * BinaryTraceFormat.RecordSize), binary.Length);
        });
    }

    [Fact]
    public void Complete_NotCalled_LeavesABinaryTraceThatReadsAsTruncated()
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, new TraceEncoding(TraceFormat.Binary, TraceCompression.None)))
        {
            writer.Write(new TraceAccess(new PciBdf(0, 3, 0), 0x1000, 64, Workloads.Scenarios.DmaDirection.Read));
        }

        (_, TraceReader reader) = TraceCorpus.Read(stream.ToArray());

        Assert.False(reader.Completed);
        Assert.Equal("t.trace: truncated: the trace ends at byte 16 after 0 records, without its trailer", reader.Error?.ToString());
    }

    [Theory]
    [InlineData("t.trace", TraceFormat.Text, TraceCompression.None)]
    [InlineData("t.trace.gz", TraceFormat.Text, TraceCompression.Gzip)]
    [InlineData("t.vtdt", TraceFormat.Binary, TraceCompression.None)]
    [InlineData("T.VTDT.ZST", TraceFormat.Binary, TraceCompression.Zstd)]
    [InlineData("t.vtdt.gz", TraceFormat.Binary, TraceCompression.Gzip)]
    [InlineData("t.txt.zst", TraceFormat.Text, TraceCompression.Zstd)]
    public void FromPath_Extension_NamesFormatAndCompression(string path, TraceFormat format, TraceCompression compression)
    {
        Assert.Equal(new TraceEncoding(format, compression), TraceEncoding.FromPath(path));
    }
}
