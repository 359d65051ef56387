using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

/// <summary>The invalidation scope and the epoch/fill rule (spec-notes/caching.md) for every public invalidation.</summary>
public sealed class InvalidationEpochTests
{
    private const ushort Did = 4;
    private static readonly IotlbEntry s_page = new(Did, 0, TranslationKind.SecondLevel, 0x5000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite);

    private readonly TranslationCaches _caches = new(new TranslationCacheOptions());

    [Fact]
    public void NestedScopes_StayOddUntilTheOutermostEnds()
    {
        var epoch = new InvalidationEpoch();
        long before = epoch.Observe();
        using (epoch.Enter())
        {
            using (epoch.Enter())
            {
                Assert.Equal(1, epoch.Observe() & 1);
            }

            Assert.Equal(1, epoch.Observe() & 1);
        }

        Assert.Equal(before + 2, epoch.Observe());
    }

    public static TheoryData<string> CacheInvalidations =>
    [
        "iotlb-all", "iotlb-domain", "iotlb-pages", "iotlb-pasid", "iotlb-pasid-pages",
        "context-all", "context-domain", "context-device",
        "pasid-all", "pasid-domain", "pasid-pasid",
        "psc-all", "psc-domain", "psc-pages",
    ];

    [Theory]
    [MemberData(nameof(CacheInvalidations))]
    public void EveryPublicCacheInvalidation_RefusesFillsObservedBeforeIt(string invalidation)
    {
        // Each cache's own public Invalidate… method ends the epoch a walk quoted, like the
        // TranslationCaches request methods do: no route around the fill rule.
        long observed = _caches.Epoch.Observe();
        _ = invalidation switch
        {
            "iotlb-all" => _caches.Iotlb.InvalidateAll(),
            "iotlb-domain" => _caches.Iotlb.InvalidateDomain(Did + 1),
            "iotlb-pages" => _caches.Iotlb.InvalidatePages(Did + 1, 0, 0),
            "iotlb-pasid" => _caches.Iotlb.InvalidatePasid(Did + 1, 1),
            "iotlb-pasid-pages" => _caches.Iotlb.InvalidatePasidPages(Did + 1, 1, 0, 0),
            "context-all" => _caches.ContextCache.InvalidateAll(),
            "context-domain" => _caches.ContextCache.InvalidateDomain(Did + 1),
            "context-device" => _caches.ContextCache.InvalidateDevice(0x18, 0, 0),
            "pasid-all" => _caches.PasidCache.InvalidateAll(),
            "pasid-domain" => _caches.PasidCache.InvalidateDomain(Did + 1),
            "pasid-pasid" => _caches.PasidCache.InvalidatePasid(Did + 1, 1),
            "psc-all" => _caches.PagingStructureCache.InvalidateAll(),
            "psc-domain" => _caches.PagingStructureCache.InvalidateDomain(Did + 1),
            _ => _caches.PagingStructureCache.InvalidatePages(Did + 1, 0, 0),
        };

        Assert.False(_caches.Epoch.IsCurrent(observed));
        Assert.False(_caches.Iotlb.Fill(s_page, _caches.Epoch, observed));
        Assert.True(_caches.Iotlb.Fill(s_page, _caches.Epoch, _caches.Epoch.Observe()));
    }

    [Fact]
    public void InvalidationsFromManyThreads_LeaveTheEpochEvenAndCounted()
    {
        const int PerThread = 200;
        long before = _caches.Epoch.Observe();
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                _ = (t & 1) == 0 ? _caches.InvalidateIotlbGlobal() : _caches.ContextCache.InvalidateAll();
            }
        });

        // Every top-level invalidation is one odd period: two increments, never interleaved.
        Assert.Equal(before + (2 * 4 * PerThread), _caches.Epoch.Observe());
    }
}
