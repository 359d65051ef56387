using VtdEmu.Caches;

namespace VtdEmu.Tests.Caches;

public sealed class TranslationCachesTests
{
    private const ushort Did = 4;

    private readonly TranslationCaches _caches = new(new TranslationCacheOptions());

    private void FillPageAndTables()
    {
        _caches.Iotlb.Fill(new IotlbEntry(Did, 0, TranslationKind.SecondLevel, 0x20_3000, PageSize.Size4K, 0x9000, AccessRights.ReadWrite));
        _caches.PagingStructureCache.Fill(new PagingStructureEntry(Did, 2, 0x20_0000, 0xA000, AccessRights.ReadWrite));
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
        _caches.PagingStructureCache.Fill(new PagingStructureEntry(Did, 2, 0x40_0000, 0xB000, AccessRights.ReadWrite));
        Assert.Equal(2, _caches.InvalidateIotlbPages(Did, 0x20_3000, 0, invalidationHint: false));
        Assert.False(_caches.PagingStructureCache.TryLookup(Did, 0x20_3000, 2, out _));
        Assert.True(_caches.PagingStructureCache.TryLookup(Did, 0x40_0000, 2, out _));
    }

    [Fact]
    public void InvalidateIotlbDomain_DropsBothCachesOfThatDomainOnly()
    {
        FillPageAndTables();
        _caches.Iotlb.Fill(new IotlbEntry(Did + 1, 0, TranslationKind.SecondLevel, 0x20_3000, PageSize.Size4K, 0x9000, AccessRights.ReadWrite));
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
}
