using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed partial class IotlbTests
{
    [Fact]
    public void InvalidateAll_RemovesEveryKindAndDomain()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4), CacheGeometry.FullyAssociative(4));
        iotlb.Fill(Sl(0x1000, 0x2000));
        iotlb.Fill(Sl(0x1000, 0x2000, did: 9));
        iotlb.Fill(Sl(0, 0, PageSize.Size2M));
        iotlb.Fill(Fl(3, 0x1000, 0x2000, global: true));
        Assert.Equal(4, iotlb.InvalidateAll());
        Assert.Equal(0, iotlb.Count);
        Assert.Equal(4, iotlb.Statistics.Invalidated);
    }

    [Fact]
    public void InvalidateDomain_WrongDomain_EntryStays()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x1000, 0x2000));
        Assert.Equal(0, iotlb.InvalidateDomain(Did + 1));
        Assert.True(Hit(iotlb, 0x1000));
        Assert.Equal(1, iotlb.InvalidateDomain(Did));
        Assert.False(Hit(iotlb, 0x1000));
    }

    [Fact]
    public void InvalidateDomain_SharedByDevices_RemovesForAll()
    {
        // The IOTLB tag has no source-id: two devices in domain 5 use the same entry, and one
        // domain-selective invalidation removes it for both.
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x7000, 0x8000)); // filled by "device A"
        Assert.True(Hit(iotlb, 0x7000)); // looked up by "device B": same DID, same entry
        iotlb.InvalidateDomain(Did);
        Assert.False(Hit(iotlb, 0x7000));
    }

    [Fact]
    public void InvalidateDomain_KeepsFirstLevelEntries()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Fl(3, 0x1000, 0x2000));
        iotlb.Fill(Sl(0x1000, 0x2000));
        Assert.Equal(1, iotlb.InvalidateDomain(Did));
        Assert.True(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x1000, out _));
    }

    [Theory]
    [InlineData(0x10_0000UL, 0, 0x10_0000UL, true)]
    [InlineData(0x10_0000UL, 0, 0x10_1000UL, false)]
    [InlineData(0x10_0000UL, 2, 0x10_3000UL, true)]
    [InlineData(0x10_0000UL, 2, 0x10_4000UL, false)]
    [InlineData(0x10_2FFFUL, 2, 0x10_0000UL, true)] // low AM bits of the address are ignored
    [InlineData(0x10_2FFFUL, 2, 0x0F_F000UL, false)]
    [InlineData(0x0UL, 9, 0x1F_F000UL, true)]
    [InlineData(0x0UL, 9, 0x20_0000UL, false)]
    public void InvalidatePages_AddressMask_RemovesExactlyTheAlignedRange(ulong address, int am, ulong page, bool removed)
    {
        var iotlb = new Iotlb(new CacheGeometry(1024, 4));
        iotlb.Fill(Sl(page, 0x5000_0000));
        iotlb.InvalidatePages(Did, address, am);
        Assert.Equal(removed, !Hit(iotlb, page));
    }

    [Theory]
    [InlineData(0x20_0000UL, 0, true)]   // 4 KiB range inside the 2 MiB page
    [InlineData(0x3F_F000UL, 0, true)]   // last 4 KiB of it
    [InlineData(0x40_0000UL, 0, false)]  // just after it
    [InlineData(0x0UL, 10, true)]        // 4 MiB range containing it
    [InlineData(0x1F_F000UL, 0, false)]  // just before it
    public void InvalidatePages_LargePageOverlappingRange_Dropped(ulong address, int am, bool removed)
    {
        var iotlb = new Iotlb(new CacheGeometry(256, 4), CacheGeometry.FullyAssociative(8));
        iotlb.Fill(Sl(0x20_0000, 0x4000_0000, PageSize.Size2M));
        iotlb.InvalidatePages(Did, address, am);
        Assert.Equal(removed, !Hit(iotlb, 0x20_0000));
    }

    [Fact]
    public void InvalidatePages_1GPageOverlappingSmallRange_Dropped()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(Gb1, 0, PageSize.Size1G));
        iotlb.InvalidatePages(Did, Gb1 + 0x1234_5000, 0);
        Assert.False(Hit(iotlb, Gb1));
    }

    [Fact]
    public void InvalidatePages_OtherDomain_EntryStays()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x1000, 0x2000));
        Assert.Equal(0, iotlb.InvalidatePages(Did + 1, 0x1000, 0));
        Assert.True(Hit(iotlb, 0x1000));
    }

    [Theory]
    [InlineData(52)]
    [InlineData(63)]
    public void InvalidatePages_HugeAm_RemovesWholeDomainWithoutThrowing(int am)
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Sl(0x1000, 0x2000));
        iotlb.Fill(Sl(0xFFFF_F000_0000, 0x2000));
        iotlb.Fill(Sl(0x1000, 0x2000, did: 9));
        Assert.Equal(2, iotlb.InvalidatePages(Did, 0xFFFF_FFFF_FFFF_FFFF, am));
        Assert.True(Hit(iotlb, 0x1000, did: 9));
    }

    [Fact]
    public void InvalidatePasid_SparesGlobalAndOtherPasids()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Fl(3, 0x1000, 0x2000));
        iotlb.Fill(Fl(3, 0x2000, 0x3000, global: true));
        iotlb.Fill(Fl(4, 0x1000, 0x2000));
        iotlb.Fill(Sl(0x1000, 0x2000));
        Assert.Equal(1, iotlb.InvalidatePasid(Did, 3));
        Assert.False(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x1000, out _));
        Assert.True(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x2000, out _));
        Assert.True(iotlb.TryLookup(Did, 4, TranslationKind.FirstLevel, 0x1000, out _));
        Assert.True(Hit(iotlb, 0x1000));
    }

    [Fact]
    public void InvalidatePasidPages_RemovesGlobalInRange()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Fl(3, 0x2000, 0x3000, global: true));
        iotlb.Fill(Fl(3, 0x4000, 0x3000));
        Assert.Equal(1, iotlb.InvalidatePasidPages(Did, 3, 0x2000, 1));
        Assert.False(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x2000, out _));
        Assert.True(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x4000, out _));
    }

    [Fact]
    public void InvalidatePages_KeepsFirstLevelEntries()
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        iotlb.Fill(Fl(3, 0x1000, 0x2000));
        Assert.Equal(0, iotlb.InvalidatePages(Did, 0x1000, 0));
        Assert.True(iotlb.TryLookup(Did, 3, TranslationKind.FirstLevel, 0x1000, out _));
    }
}
