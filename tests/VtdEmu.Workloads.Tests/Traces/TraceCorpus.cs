using CsCheck;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

/// <summary>Random accesses and traces written in every encoding, for the trace-format tests.</summary>
internal static class TraceCorpus
{
    public static readonly TraceEncoding[] Encodings =
    [
        new(TraceFormat.Text, TraceCompression.None),
        new(TraceFormat.Text, TraceCompression.Gzip),
        new(TraceFormat.Text, TraceCompression.Zstd),
        new(TraceFormat.Binary, TraceCompression.None),
        new(TraceFormat.Binary, TraceCompression.Gzip),
        new(TraceFormat.Binary, TraceCompression.Zstd),
    ];

    /// <summary>Any access the formats can hold: every source-id, every IOVA, LEN 0 to 1 MiB.</summary>
    public static readonly Gen<TraceAccess> Access =
        Gen.Select(Gen.UShort, Gen.ULong, Gen.UInt[0, (uint)ScenarioParser.MaxDmaLength], Gen.Bool)
            .Select((sourceId, iova, length, write) => new TraceAccess(PciBdf.FromSourceId(sourceId), iova, length, write ? DmaDirection.Write : DmaDirection.Read));

    public static byte[] Write(IEnumerable<TraceAccess> accesses, TraceEncoding encoding, string? comment = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, encoding, comment))
        {
            foreach (TraceAccess access in accesses)
            {
                writer.Write(access);
            }

            writer.Complete();
        }

        return stream.ToArray();
    }

    /// <summary>Reads everything with batches of <paramref name="batch"/>; the reader is returned disposed, for its state.</summary>
    public static (List<TraceAccess> Accesses, TraceReader Reader) Read(byte[] bytes, int batch = 7)
    {
        var accesses = new List<TraceAccess>();
        var buffer = new TraceAccess[batch];
        using var reader = new TraceReader(new MemoryStream(bytes), "t.trace");
        for (int n; (n = reader.ReadBatch(buffer)) > 0;)
        {
            accesses.AddRange(buffer.AsSpan(0, n));
        }

        // After the end or an error, the reader stays there.
        Assert.Equal(0, reader.ReadBatch(buffer));
        return (accesses, reader);
    }
}
