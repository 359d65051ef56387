using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed partial class IotlbTests
{
    private const ushort Did = 5;
    private const ulong Mb2 = 1UL << 21;
    private const ulong Gb1 = 1UL << 30;

    private static IotlbEntry Sl(ulong iova, ulong hpa, PageSize size = PageSize.Size4K, ushort did = Did, DmaAccess rights = DmaAccess.ReadWrite) =>
        new(did, 0, TranslationKind.SecondLevel, iova, size, hpa, rights);

    private static IotlbEntry Fl(uint pasid, ulong iova, ulong hpa, bool global = false) =>
        new(Did, pasid, TranslationKind.FirstLevel, iova, PageSize.Size4K, hpa, DmaAccess.ReadWrite, global: global);

    private static bool Hit(Iotlb iotlb, ulong iova, ushort did = Did) => iotlb.TryLookup(did, 0, TranslationKind.SecondLevel, iova, out _);

    [Fact]
    public void TryLookup_After4KFill_ReturnsEntryAndTranslatesOffset()
    {
        var iotlb = new Iotlb(new CacheGeometry(512, 4));
        Assert.True(iotlb.Fill(Sl(0x1234_5000, 0xABC_D000, rights: DmaAccess.Read)));
        Assert.True(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x1234_5678, out IotlbEntry entry));
        Assert.Equal(0xABC_D678UL, entry.Translate(0x1234_5678));
        Assert.Equal(DmaAccess.Read, entry.Rights);
        Assert.Equal(PageSize.Size4K, entry.Size);
        Assert.Equal(Did, entry.Did);
        Assert.Equal(0x1234_5000UL, entry.InputPageBase);
        Assert.False(Hit(iotlb, 0x1234_6000));
    }

    [Theory]
    [InlineData(PageSize.Size2M, 0x4000_0000UL, 0x4012_3456UL)]
    [InlineData(PageSize.Size2M, 0x4000_0000UL, 0x401F_FFFFUL)]
    [InlineData(PageSize.Size1G, 0x8000_0000UL, 0xBFFF_F000UL)]
    public void TryLookup_LargePage_HitsAnywhereInside(PageSize size, ulong pageBase, ulong probe)
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4), CacheGeometry.FullyAssociative(8));
        iotlb.Fill(Sl(pageBase, 0x1_0000_0000, size));
        Assert.True(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, probe, out IotlbEntry entry));
        Assert.Equal(size, entry.Size);
        Assert.Equal(0x1_0000_0000UL + (probe - pageBase), entry.Translate(probe));
        Assert.False(Hit(iotlb, pageBase + (1UL << IotlbEntry.ShiftOf(size))));
    }

    [Fact]
    public void TryLookup_SharedArray_HoldsAllSizes()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x1000, 0x9000));
        iotlb.Fill(Sl(Mb2 * 3, Mb2 * 7, PageSize.Size2M));
        iotlb.Fill(Sl(Gb1 * 2, Gb1 * 5, PageSize.Size1G));
        Assert.False(iotlb.HasSeparateLargePageArray);
        Assert.Equal(3, iotlb.Count);
        Assert.True(Hit(iotlb, 0x1FFF));
        Assert.True(Hit(iotlb, (Mb2 * 3) + 0x12_3456));
        Assert.True(Hit(iotlb, (Gb1 * 2) + 0x1234_5678));
    }

    [Fact]
    public void TryLookup_OtherDomain_Misses()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x1000, 0x9000));
        Assert.False(Hit(iotlb, 0x1000, did: Did + 1));
    }

    [Fact]
    public void TryLookup_PassThroughAndSecondLevel_KeptApart()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(new IotlbEntry(Did, 0, TranslationKind.PassThrough, 0x1000, PageSize.Size4K, 0x1000, DmaAccess.ReadWrite));
        Assert.False(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x1000, out _));
        Assert.True(iotlb.TryLookup(Did, 0, TranslationKind.PassThrough, 0x1000, out IotlbEntry entry));
        Assert.Equal(TranslationKind.PassThrough, entry.Kind);
    }

    [Fact]
    public void TryLookup_SecondLevelEntry_NotPasidTagged()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(new IotlbEntry(Did, 7, TranslationKind.SecondLevel, 0x1000, PageSize.Size4K, 0x2000, DmaAccess.ReadWrite));
        Assert.True(iotlb.TryLookup(Did, 9, TranslationKind.SecondLevel, 0x1000, out IotlbEntry entry));
        Assert.Equal(0U, entry.Pasid);
    }

    [Fact]
    public void TryLookup_FirstLevelEntry_PasidTagged()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Fl(7, 0x1000, 0x2000));
        Assert.False(iotlb.TryLookup(Did, 9, TranslationKind.FirstLevel, 0x1000, out _));
        Assert.True(iotlb.TryLookup(Did, 7, TranslationKind.FirstLevel, 0x1000, out IotlbEntry entry));
        Assert.Equal(7U, entry.Pasid);
    }

    [Fact]
    public void TryLookup_ProbesSmallPagesFirst()
    {
        // A stale 4 KiB entry and a newer 2 MiB entry for the same address: hardware may use either;
        // our fixed probe order answers with the 4 KiB one.
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x20_0000, 0x5000));
        iotlb.Fill(Sl(0x20_0000, 0x4000_0000, PageSize.Size2M));
        Assert.True(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x20_0123, out IotlbEntry entry));
        Assert.Equal(PageSize.Size4K, entry.Size);
        Assert.Equal(0x5123UL, entry.Translate(0x20_0123));
    }

    [Fact]
    public void Fill_NegativeEntryWithoutCachingMode_Refused()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4), cachingMode: false);
        var negative = new IotlbEntry(Did, 0, TranslationKind.SecondLevel, 0x1000, PageSize.Size4K, 0, DmaAccess.None, FaultReason.ReadDenied);
        Assert.False(iotlb.Fill(negative));
        Assert.False(Hit(iotlb, 0x1000));
        Assert.Equal(0, iotlb.Statistics.Fills);
    }

    [Fact]
    public void Fill_NegativeEntryWithCachingMode_CachedWithFault()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4), cachingMode: true);
        var negative = new IotlbEntry(Did, 0, TranslationKind.SecondLevel, 0x20_0000, PageSize.Size2M, 0, DmaAccess.None, FaultReason.PagingEntryReserved);
        Assert.True(iotlb.Fill(negative));
        Assert.True(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x20_5000, out IotlbEntry entry));
        Assert.True(entry.IsNegative);
        Assert.Equal(FaultReason.PagingEntryReserved, entry.Fault);
    }

    [Fact]
    public void Disabled_AlwaysMisses()
    {
        var iotlb = new Iotlb(CacheGeometry.Disabled);
        Assert.False(iotlb.Fill(Sl(0x1000, 0x2000)));
        Assert.False(Hit(iotlb, 0x1000));
        Assert.Equal(new CacheStatistics(0, 1, 0, 0, 0), iotlb.Statistics);
    }

    [Fact]
    public void Statistics_CountHitsMissesFillsEvictionsInvalidations()
    {
        var iotlb = new Iotlb(CacheGeometry.DirectMapped(4));
        iotlb.Fill(Sl(0x0000, 0xA000));
        iotlb.Fill(Sl(0x1000, 0xB000));
        iotlb.Fill(Sl(0x4000, 0xC000)); // same set as page 0: evicts it
        Hit(iotlb, 0x1000);
        Hit(iotlb, 0x0000);
        Hit(iotlb, 0x4000);
        iotlb.InvalidateDomain(Did);
        Assert.Equal(new CacheStatistics(2, 1, 3, 1, 2), iotlb.Statistics);
        iotlb.ResetStatistics();
        Assert.Equal(default, iotlb.Statistics);
    }
}
