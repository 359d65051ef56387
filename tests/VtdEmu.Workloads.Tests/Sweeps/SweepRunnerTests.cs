using VtdEmu.Caches;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Sweeps;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Sweeps;

public sealed class SweepRunnerTests : IDisposable
{
    private const int Pages = 16;

    private static readonly PciBdf Device = new(0, 3, 0);

    private readonly string _directory = Directory.CreateTempSubdirectory("vtdemu-sweep-runner").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_TracePoint_MapsEveryTouchedPageAndTranslatesEveryAccess()
    {
        string trace = WriteTrace("t.vtdt", Rounds(4), out int accesses);

        SweepResult result = SweepRunner.Run(TracePoint(trace));

        Assert.Equal(accesses, result.Translations);   // 64-byte accesses inside one page: one translation each
        Assert.Equal(0, result.Faults);                 // the default setup mapped every page the trace touches
    }

    // The trace is streamed twice, never held: a point's memory depends on the pages the trace touches, not on how
    // many accesses it has. Sixteen times the accesses over the same pages allocates (almost) nothing more; holding one
    // 16-byte range per access, as the runner once did, allocates over 1 MiB more here.
    [Fact]
    public void Run_TracePoint_AllocatesNoMoreForALongerTraceOverTheSamePages()
    {
        string shortTrace = WriteTrace("short.vtdt", Rounds(256), out _);
        string longTrace = WriteTrace("long.vtdt", Rounds(16 * 256), out int longAccesses);
        SweepRunner.Run(TracePoint(shortTrace));   // JIT and first-use allocations out of the way

        long shortBytes = AllocatedBy(() => SweepRunner.Run(TracePoint(shortTrace)));
        long longBytes = AllocatedBy(() => Assert.Equal(longAccesses, SweepRunner.Run(TracePoint(longTrace)).Translations));

        Assert.True(longBytes - shortBytes < 64 * 1024, $"{shortBytes} bytes for the short trace, {longBytes} for the long one");
    }

    [Fact]
    public void Run_TraceBeyondThePageBound_IsASweepErrorNamingTheLimit()
    {
        // 1 MiB accesses, 256 pages each, one more access than the bound needs.
        int count = (TraceSummary.MaxTrackedPages / 256) + 1;
        string trace = WriteTrace("wide.vtdt", Enumerable.Range(0, count).Select(i => new TraceAccess(Device, (ulong)i << 20, 1 << 20, DmaDirection.Read)), out _);

        SweepException e = Assert.Throws<SweepException>(() => SweepRunner.Run(TracePoint(trace)));

        Assert.Equal($"{trace}: the trace touches more than {TraceSummary.MaxTrackedPages} distinct 4-KiB pages, more than a sweep point maps", e.Message);
    }

    [Fact]
    public void RunAll_PointsThatCannotRun_ThrowTheFirstPointsSweepExceptionUnwrapped()
    {
        SweepPoint[] points =
        [
            .. new SweepGrid { Windows = [4096, 8192], Dmas = 16 }.Points(),
            TracePoint(WriteTrace("far.vtdt", [new TraceAccess(Device, 0xFFFF_FFFF_FFFF_0000, 64, DmaDirection.Read)], out _)) with { Index = 2 },
            TracePoint(Path.Combine(_directory, "missing.vtdt")) with { Index = 3 },
        ];

        SweepException e = Assert.Throws<SweepException>(() => SweepRunner.RunAll(points, parallelism: 4));

        Assert.StartsWith($"{points[2].TracePath}: IOVA 0xffffffffffff0000", e.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<TraceAccess> Rounds(int rounds) =>
        Enumerable.Range(0, rounds * Pages).Select(i => new TraceAccess(Device, ((ulong)(i % Pages) << 12) + ((ulong)(i / Pages) % 64 * 64), 64, DmaDirection.Read));

    private static SweepPoint TracePoint(string trace) =>
        new(0, "broadwell", true, null, null, null, PageSize.Size4K, SweepPattern.Trace, 0, 0, DmaDirection.Read, 0, 4096, 0.99, trace, 1);

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private string WriteTrace(string name, IEnumerable<TraceAccess> accesses, out int count)
    {
        string path = Path.Combine(_directory, name);
        count = 0;
        using FileStream file = File.Create(path);
        using var writer = new TraceWriter(file, new TraceEncoding(TraceFormat.Binary, TraceCompression.None));
        foreach (TraceAccess access in accesses)
        {
            writer.Write(access);
            count++;
        }

        writer.Complete();
        return path;
    }
}
