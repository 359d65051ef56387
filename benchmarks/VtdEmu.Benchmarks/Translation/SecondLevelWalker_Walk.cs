using BenchmarkDotNet.Attributes;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Translation;

/// <summary>A warm second-level walk plus permission check, straight from guest memory (no caches).</summary>
[BenchmarkCategory(Categories.Translation)]
public class SecondLevelWalker_Walk
{
    private SecondLevelWalker _walker = null!;
    private WalkStart _start;

    // 3 = 39-bit, 4 = 48-bit, 5 = 57-bit tables: one paging-entry read per level down to the leaf.
    [Params(3, 4, 5)]
    public int Levels { get; set; }

    // 0x1000 = 4 KiB leaf at level 1; 0x200000 = 2 MiB leaf (PS) at level 2; 0x40000000 = 1 GiB leaf (PS) at level 3.
    [Params(0x1000UL, 0x20_0000UL, 0x4000_0000UL)]
    public ulong PageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var tables = new BenchmarkTables();
        ulong root = tables.SecondLevel(Levels, PageSize);
        _walker = new SecondLevelWalker(tables.Memory, BenchmarkTables.Parameters);
        _start = WalkStart.FromRoot(root, Levels);
        if (!Walk().IsSuccess)
        {
            throw new InvalidOperationException($"benchmark tables do not translate: {Walk()}");
        }
    }

    [Benchmark]
    public TranslationResult Walk() => _walker.Walk(BenchmarkTables.Iova + 0x10, DmaAccess.Write, scalable: false, _start);
}

// Measured 2026-11-24, BenchmarkDotNet v0.15.8, AMD EPYC 2.10GHz (2 cores), .NET 10.0.12 X64 RyuJIT x86-64-v4,
// on a heavily shared machine (load average 13-15 on 2 cores): means are inflated by preemption.
// --job short (the shared config adds DefaultJob too; DefaultJob means shown). Allocated: 0 B everywhere.
// | Levels | PageSize   | Mean (DefaultJob) | Median    | min-of-300-batches (Stopwatch, 20k walks each) |
// |------- |----------- |------------------:|----------:|-----------------------------------------------:|
// | 3      | 4096       |  71.30 ns         |  74.68 ns | 16.2 ns |
// | 3      | 2097152    |  46.99 ns         |  47.44 ns | 11.0 ns |
// | 3      | 1073741824 |  54.51 ns         |  54.50 ns |  6.3 ns |
// | 4      | 4096       | 123.09 ns         | 120.85 ns | 21.9 ns |
// | 4      | 2097152    |  94.51 ns         |  94.59 ns | 16.6 ns |
// | 4      | 1073741824 |  58.90 ns         |  58.13 ns | 11.1 ns |
// | 5      | 4096       | 131.36 ns         | 131.03 ns | 31.4 ns |
// | 5      | 2097152    | 159.84 ns         | 150.47 ns | 22.8 ns |
// | 5      | 1073741824 |  74.89 ns         |  71.38 ns | 16.6 ns |
// The min-of-batches column (~5.3 ns per level) approximates an unloaded machine; re-measure when quiet.
