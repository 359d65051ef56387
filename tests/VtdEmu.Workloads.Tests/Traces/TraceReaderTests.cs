using System.IO.Compression;
using System.Text;
using CsCheck;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

public sealed partial class TraceReaderTests
{
    private const string Trace = "# a trace\n00:03.0 0x1000 64 R\n\n1a:1f.7 4096 0x1000 W  # comment\n00:03.0 0x0 0 r\n";

    private static readonly TraceAccess[] s_expected =
    [
        new(new PciBdf(0, 3, 0), 0x1000, 64, DmaDirection.Read),
        new(new PciBdf(0x1A, 0x1F, 7), 0x1000, 0x1000, DmaDirection.Write),
        new(new PciBdf(0, 3, 0), 0x0, 0, DmaDirection.Read),
    ];

    private static (List<TraceAccess> Accesses, ScenarioError? Error) ReadAll(Stream stream)
    {
        using var reader = new TraceReader(stream, "t.trace");
        var accesses = new List<TraceAccess>();
        while (reader.TryRead(out TraceAccess access))
        {
            accesses.Add(access);
        }

        Assert.Equal(accesses.Count, reader.Count);
        return (accesses, reader.Error);
    }

    private static MemoryStream Gzip(string text)
    {
        var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void TryRead_PlainText_ReadsEveryAccessSkippingCommentsAndBlankLines()
    {
        (List<TraceAccess> accesses, ScenarioError? error) = ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(Trace)));

        Assert.Null(error);
        Assert.Equal(s_expected, accesses);
    }

    [Fact]
    public void TryRead_Gzip_IsRecognisedByMagicBytes()
    {
        (List<TraceAccess> accesses, ScenarioError? error) = ReadAll(Gzip(Trace));

        Assert.Null(error);
        Assert.Equal(s_expected, accesses);
    }

    [Fact]
    public void TryRead_CorruptGzip_IsAnErrorNotAnException()
    {
        MemoryStream stream = Gzip(Trace);
        byte[] bytes = stream.ToArray();
        bytes[12] ^= 0xFF;

        (_, ScenarioError? error) = ReadAll(new MemoryStream(bytes));

        Assert.NotNull(error);
        Assert.Contains("corrupt gzip data", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:03.0 0x1000 64", "t.trace:2: expected 'BDF IOVA LEN R|W', found 3 fields")]
    [InlineData("00:03.0 0x1000 64 R R", "t.trace:2: expected 'BDF IOVA LEN R|W', found more than 4 fields")]
    [InlineData("00:3 0x1000 64 R", "t.trace:2: BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '00:3'")]
    [InlineData("00:03.0 x 64 R", "t.trace:2: IOVA: expected a number (0x-prefixed hex or decimal), found 'x'")]
    [InlineData("00:03.0 0x0 0x100001 R", "t.trace:2: LEN: expected 0 to 0x100000, found '0x100001'")]
    [InlineData("00:03.0 0x0 4 X", "t.trace:2: expected R or W as the direction, found 'X'")]
    public void TryRead_BadLine_StopsWithFileAndLine(string line, string expected)
    {
        (List<TraceAccess> accesses, ScenarioError? error) =
            ReadAll(new MemoryStream(Encoding.UTF8.GetBytes($"00:03.0 0x0 4 R\n{line}\n00:03.0 0x0 4 R\n")));

        Assert.Single(accesses);
        Assert.Equal(expected, error?.ToString());
    }

    [Fact]
    public void TryOpen_MissingFile_IsAnError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vtdemu-missing-{Guid.NewGuid():n}.trace");

        Assert.Null(TraceReader.TryOpen(path, out ScenarioError? error));
        Assert.StartsWith("cannot read the trace: ", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseLine_RandomText_NeverThrows()
    {
        Gen.String.Sample(line => { _ = TraceReader.TryParseLine(line, new SourceLocation("t.trace", 1), out _, out _); });
    }

    [Fact]
    public void TryParseLine_AnyAccess_RoundTripsThroughItsText()
    {
        Gen.Select(Gen.UShort, Gen.ULong, Gen.UInt[0, 1 << 20], Gen.Bool).Sample((sourceId, iova, length, write) =>
        {
            var access = new TraceAccess(PciBdf.FromSourceId(sourceId), iova, length, write ? DmaDirection.Write : DmaDirection.Read);

            Assert.True(TraceReader.TryParseLine("  " + access.ToString().Replace(" ", "\t ", StringComparison.Ordinal) + " # c", default, out TraceAccess parsed, out _));
            Assert.Equal(access, parsed);
        });
    }
}
