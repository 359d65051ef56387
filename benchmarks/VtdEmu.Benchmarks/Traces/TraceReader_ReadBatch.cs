using BenchmarkDotNet.Attributes;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Benchmarks.Traces;

/// <summary>
/// Parsing a whole trace of 1,048,576 random accesses held in memory (no disk), in batches of 4096,
/// as <c>vtdemu replay</c> reads it: time per access. The binary format is 16 bytes per access, so
/// the 1 GB/s target (issue 11) is 16 ns per access; the text form is about 21 bytes per access.
/// </summary>
[BenchmarkCategory(Categories.Traces)]
public class TraceReader_ReadBatch
{
    private const int Accesses = 1 << 20;

    private readonly TraceAccess[] _batch = new TraceAccess[4096];
    private byte[] _trace = [];

    [Params(
        "binary",      // fixed 16-byte records + CRC-32: the fast path
        "binary-zstd", // the same, zstd-decompressed on the fly
        "text")]       // 'BDF IOVA LEN R|W' lines, UTF-8 decoded and tokenised
    public string Encoding { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        TraceEncoding encoding = Encoding switch
        {
            "binary" => new TraceEncoding(TraceFormat.Binary, TraceCompression.None),
            "binary-zstd" => new TraceEncoding(TraceFormat.Binary, TraceCompression.Zstd),
            _ => new TraceEncoding(TraceFormat.Text, TraceCompression.None),
        };
        var options = new TraceGeneratorOptions { Pattern = TracePattern.Random, Count = Accesses, WorkingSetPages = 1 << 18, WriteRatio = 0.3, Devices = [new PciBdf(0, 3, 0)] };
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, encoding))
        {
            TraceGenerator.Write(options, writer);
        }

        _trace = stream.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Accesses)]
    public long ReadAll()
    {
        using var reader = new TraceReader(new MemoryStream(_trace, writable: false), "bench");
        long sum = 0;
        for (int n; (n = reader.ReadBatch(_batch)) > 0;)
        {
            sum += n;
        }

        return reader.Completed ? sum : -1;
    }
}
