using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed class TranslationCachesTests
{
    private const ushort Did = 4;

    private readonly TranslationCaches _caches = new(new TranslationCacheOptions());

    private void FillPageAndTables()
    {
        _caches.Iotlb.Fill(new IotlbEntry(Did, 0, TranslationKind.SecondLevel, 0x20_3000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite));
        _caches.PagingStructureCache.Fill(new PagingStructureEntry(Did, 2, 0x20_0000, 0xA000, DmaAccess.ReadWrite));
    }

    [Fact]
    public void InvalidateIotlbPages_Ih1_KeepsPagingStructureEntries()
    {
        FillPageAndTables();
        Assert.Equal(1, _caches.InvalidateIotlbPages(Did, 0x20_3000, 0, invalidationHint: true));
        Assert.False(_caches.Iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x20_3000, out _));
        Assert.True(_caches.PagingStructureCache.TryLookup(Did, 0x20_3000, 4, out _));
    }

    [Fact]
    public void InvalidateIotlbPages_Ih0_DropsPagingStructureEntriesCoveringRange()
    {
        FillPageAndTables();
        _caches.PagingStructureCache.Fill(new PagingStructureEntry(Did, 2, 0x40_0000, 0xB000, DmaAccess.ReadWrite));
        Assert.Equal(2, _caches.InvalidateIotlbPages(Did, 0x20_3000, 0, invalidationHint: false));
        Assert.False(_caches.PagingStructureCache.TryLookup(Did, 0x20_3000, 2, out _));
        Assert.True(_caches.PagingStructureCache.TryLookup(Did, 0x40_0000, 2, out _));
    }

    [Fact]
    public void InvalidateIotlbDomain_DropsBothCachesOfThatDomainOnly()
    {
        FillPageAndTables();
        _caches.Iotlb.Fill(new IotlbEntry(Did + 1, 0, TranslationKind.SecondLevel, 0x20_3000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite));
        Assert.Equal(2, _caches.InvalidateIotlbDomain(Did));
        Assert.True(_caches.Iotlb.TryLookup(Did + 1, 0, TranslationKind.SecondLevel, 0x20_3000, out _));
    }

    [Fact]
    public void InvalidateContext_LeavesIotlbAndPasidCache()
    {
        FillPageAndTables();
        _caches.ContextCache.Fill(new ContextCacheEntry(0x10, Did, [1UL, (ulong)Did << 8]));
        _caches.PasidCache.Fill(new PasidCacheEntry(0x10, 0, Did, []));
        Assert.Equal(1, _caches.InvalidateContextGlobal());
        Assert.Equal(1, _caches.Iotlb.Count);
        Assert.Equal(1, _caches.PasidCache.Count);
        Assert.Equal(1, _caches.PagingStructureCache.Count);
    }

    [Fact]
    public void InvalidateIotlbGlobal_DropsIotlbAndPagingStructures()
    {
        FillPageAndTables();
        Assert.Equal(2, _caches.InvalidateIotlbGlobal());
        Assert.Equal(0, _caches.Iotlb.Count + _caches.PagingStructureCache.Count);
    }

    private static readonly IotlbEntry s_page = new(Did, 0, TranslationKind.SecondLevel, 0x5000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite);

    public static TheoryData<string> Invalidations => ["iotlb-page", "iotlb-domain-other", "context-device", "pasid-cache-global"];

    [Theory]
    [MemberData(nameof(Invalidations))]
    public void Fill_ObservedBeforeAnyInvalidation_Refused(string invalidation)
    {
        // A walk that began before an invalidation must not fill after it, whatever the invalidation
        // named: its reads may predate the edit the invalidation announces (epoch/fill rule).
        long observed = _caches.Epoch.Observe();
        _ = invalidation switch
        {
            "iotlb-page" => _caches.InvalidateIotlbPages(Did, 0x5000, 0, invalidationHint: true),
            "iotlb-domain-other" => _caches.InvalidateIotlbDomain(Did + 1),
            "context-device" => _caches.InvalidateContextDevice(0x18, 0, 0),
            _ => _caches.InvalidatePasidCacheGlobal(),
        };

        Assert.False(_caches.Iotlb.Fill(s_page, _caches.Epoch, observed));
        Assert.False(_caches.PagingStructureCache.Fill(new PagingStructureEntry(Did, 2, 0, 0xA000, DmaAccess.ReadWrite), _caches.Epoch, observed));
        Assert.False(_caches.Iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x5000, out _));
    }

    [Fact]
    public void Fill_ObservedAfterInvalidationReturned_Accepted()
    {
        _caches.InvalidateIotlbGlobal();
        long observed = _caches.Epoch.Observe();

        Assert.True(_caches.Iotlb.Fill(s_page, _caches.Epoch, observed));
        Assert.True(_caches.Iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x5000, out _));
    }

    [Fact]
    public void Fill_ObservedWhileInvalidationInProgress_Refused()
    {
        _caches.Epoch.Begin();
        long observed = _caches.Epoch.Observe();
        _caches.Epoch.End();
        long later = _caches.Epoch.Observe();

        Assert.False(_caches.Epoch.IsCurrent(observed));
        Assert.True(_caches.Epoch.IsCurrent(later));
    }
}
