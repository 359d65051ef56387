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
