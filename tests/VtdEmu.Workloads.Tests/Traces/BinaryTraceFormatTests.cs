using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

/// <summary>The byte layout written in spec-notes/traces.md, byte for byte.</summary>
public sealed class BinaryTraceFormatTests
{
    [Fact]
    public void Write_OneReadAndOneWrite_GivesTheDocumentedBytes()
    {
        TraceAccess[] accesses =
        [
            new(new PciBdf(0x1A, 0x1F, 7), 0x0123_4567_89AB_CDEF, 0x40, DmaDirection.Read),
            new(new PciBdf(0, 3, 0), 0x1000, 0x10_0000, DmaDirection.Write),
        ];

        byte[] bytes = TraceCorpus.Write(accesses, new TraceEncoding(TraceFormat.Binary, TraceCompression.None));

        Assert.Equal(
            "89565444 0D0A1A0A 0100 1000 00000000 " +                 // magic, version 1, record size 16, flags 0
            "EFCDAB8967452301 40000000 FF1A 00 00 " +                 // IOVA, LEN 0x40, SID 1a:1f.7 = 0x1AFF, read
            "0010000000000000 00001000 1800 01 00 " +                 // IOVA 0x1000, LEN 0x100000, SID 00:03.0 = 0x0018, write
            "0200000000000000 " + Crc(bytes[16..48]) + " 0000 FF 00", // count 2, CRC-32 of the records, trailer kind
            Hex(bytes, [4, 8, 10, 12, 16, 24, 28, 30, 31, 32, 40, 44, 46, 47, 48, 56, 60, 62, 63]));
    }

    [Fact]
    public void CheckHeader_OtherVersion_NamesItAndTheByte()
    {
        byte[] header = new byte[BinaryTraceFormat.HeaderSize];
        BinaryTraceFormat.WriteHeader(header);
        header[8] = 2;

        Assert.Equal("byte 8: version 2 is not supported (this build reads version 1)", BinaryTraceFormat.CheckHeader(header));
    }

    // The CRC as the trailer stores it: little-endian, so its bytes are reversed in the hex string.
    private static string Crc(byte[] records) => Convert.ToHexString(System.IO.Hashing.Crc32.Hash(records));

    private static string Hex(byte[] bytes, int[] cuts)
    {
        var parts = new List<string>();
        int start = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            parts.Add(Convert.ToHexString(bytes, start, cut - start));
            start = cut;
        }

        return string.Join(' ', parts);
    }
}
