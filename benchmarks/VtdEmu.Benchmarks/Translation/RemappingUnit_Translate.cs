using BenchmarkDotNet.Attributes;
using VtdEmu.Caches;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Translation;

/// <summary>
/// A DMA request translated by the unit (<see cref="RemappingUnit.Translate"/>, TE=1, legacy mode,
/// 4-level tables, 4 KiB pages), three ways: an IOTLB hit (context-cache hit, no guest-memory read),
/// an IOTLB miss whose walk starts from a cached PDE (IOTLB disabled: one PTE read), and a full miss
/// with every cache disabled (root + context + 4 paging reads). Requests rotate over 64 mapped pages
/// of one 2 MiB region so one predicted address does not flatter the hit.
/// </summary>
[BenchmarkCategory(Categories.Translation)]
public class RemappingUnit_Translate
{
    private const ushort Sid = 0x0310;
    private const int Rotation = 64;

    private readonly DmaRequest[] _requests = new DmaRequest[Rotation];
    private RemappingUnit _warm = null!;
    private RemappingUnit _pagingStructureOnly = null!;
    private RemappingUnit _uncached = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var tables = new BenchmarkTables();
        ulong slRoot = tables.SecondLevel(4, 0x1000);
        ulong pageTable = Table(tables, slRoot, 4, 1);
        for (int i = 0; i < Rotation; i++)
        {
            ulong iova = BenchmarkTables.Iova + ((ulong)i << 12);
            tables.Write(pageTable + (((iova >> 12) & 0x1FF) * 8), SecondLevelPageTableEntry.Create(BenchmarkTables.Hpa + ((ulong)i << 12), read: true, write: true).Raw);
            _requests[i] = DmaRequest.Write(Sid, iova + 0x10);
        }

        ulong rootTable = tables.Page();
        ulong contextTable = tables.Page();
        tables.Write(rootTable + ((ulong)(Sid >> 8) * 16), RootEntry.Create(contextTable).Low);
        var context = ContextEntry.Create(7, TranslationType.UntranslatedOnly, slRoot, aw: 2);
        ulong contextSlot = contextTable + ((ulong)(Sid & 0xFF) * ContextEntry.Size);
        tables.Write(contextSlot, context.Low);
        tables.Write(contextSlot + 8, context.High);

        _warm = Enable(new RemappingUnit(tables.Memory, UnitConfiguration.Broadwell), rootTable);
        _pagingStructureOnly = Enable(new RemappingUnit(tables.Memory, UnitConfiguration.Broadwell, caches: new TranslationCacheOptions
        {
            Iotlb = CacheGeometry.Disabled,
            IotlbLargePages = null,
        }), rootTable);
        _uncached = Enable(new RemappingUnit(tables.Memory, UnitConfiguration.Broadwell, caches: new TranslationCacheOptions
        {
            ContextCache = CacheGeometry.Disabled,
            PasidCache = CacheGeometry.Disabled,
            Iotlb = CacheGeometry.Disabled,
            IotlbLargePages = null,
            PagingStructureCache = CacheGeometry.Disabled,
        }), rootTable);

        foreach (RemappingUnit unit in new[] { _warm, _pagingStructureOnly, _uncached })
        {
            foreach (DmaRequest request in _requests)
            {
                TranslationResult result = unit.Translate(request);
                if (!result.IsSuccess)
                {
                    throw new InvalidOperationException($"benchmark tables do not translate: {result}");
                }
            }
        }
    }

    [Benchmark(Baseline = true)]
    public TranslationResult IotlbHit() => _warm.Translate(_requests[_next++ & (Rotation - 1)]);

    [Benchmark]
    public TranslationResult IotlbMissPagingStructureHit() => _pagingStructureOnly.Translate(_requests[_next++ & (Rotation - 1)]);

    [Benchmark]
    public TranslationResult FullMiss() => _uncached.Translate(_requests[_next++ & (Rotation - 1)]);

    /// <summary>Breakdown: the context-cache step of an IOTLB hit alone.</summary>
    [Benchmark]
    public bool ContextCacheStep() => _warm.Caches.ContextCache.Find(Sid, out _);

    /// <summary>Breakdown: the IOTLB step of an IOTLB hit alone.</summary>
    [Benchmark]
    public ulong IotlbStep() =>
        _warm.Caches.Iotlb.Find(7, 0, TranslationKind.SecondLevel, _requests[_next++ & (Rotation - 1)].Address, out ulong data, out _) ? data : 0;

    private static RemappingUnit Enable(RemappingUnit unit, ulong rootTable)
    {
        unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
        return unit;
    }

    // The table at toLevel on the path of BenchmarkTables.Iova.
    private static ulong Table(BenchmarkTables tables, ulong root, int fromLevel, int toLevel)
    {
        ulong table = root;
        for (int level = fromLevel; level > toLevel; level--)
        {
            tables.Memory.TryRead64(table + (((BenchmarkTables.Iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8), out ulong entry);
            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        return table;
    }
}
