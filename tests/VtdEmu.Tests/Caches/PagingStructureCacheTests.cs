using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed class PagingStructureCacheTests
{
    private const ushort Did = 3;

    private readonly PagingStructureCache _psc = new(new CacheGeometry(64, 4));

    [Fact]
    public void TryLookup_ReturnsDeepestCoveringLevel()
    {
        _psc.Fill(new PagingStructureEntry(Did, 4, 0x0, 0xA000, DmaAccess.ReadWrite));
        _psc.Fill(new PagingStructureEntry(Did, 3, 0x4000_0000, 0xB000, DmaAccess.ReadWrite));
        _psc.Fill(new PagingStructureEntry(Did, 2, 0x4020_0000, 0xC000, DmaAccess.Read));
        Assert.True(_psc.TryLookup(Did, 0x4021_2345, 4, out PagingStructureEntry pde));
        Assert.Equal(2, pde.Level);
        Assert.Equal(0xC000UL, pde.TableAddress);
        Assert.Equal(DmaAccess.Read, pde.Rights);
        Assert.Equal(0x4020_0000UL, pde.RegionBase);
        Assert.True(_psc.TryLookup(Did, 0x4040_0000, 4, out PagingStructureEntry pdpe));
        Assert.Equal(3, pdpe.Level);
        Assert.True(_psc.TryLookup(Did, 0x8000_0000, 4, out PagingStructureEntry pml4e));
        Assert.Equal(4, pml4e.Level);
        Assert.False(_psc.TryLookup(Did, 0x80_0000_0000, 4, out _));
    }

    [Fact]
    public void TryLookup_LevelAboveWalkTop_NotUsed()
    {
        _psc.Fill(new PagingStructureEntry(Did, 4, 0x0, 0xA000, DmaAccess.ReadWrite));
        Assert.False(_psc.TryLookup(Did, 0x1000, 3, out _));
    }

    [Fact]
    public void TryLookup_OtherDomain_Misses()
    {
        _psc.Fill(new PagingStructureEntry(Did, 2, 0x0, 0xA000, DmaAccess.ReadWrite));
        Assert.False(_psc.TryLookup(Did + 1, 0x1000, 4, out _));
    }

    [Theory]
    [InlineData(0x4020_0000UL, 0, true)]   // a 4 KiB page inside the PDE's 2 MiB region
    [InlineData(0x403F_F000UL, 0, true)]
    [InlineData(0x4040_0000UL, 0, false)]  // next region
    [InlineData(0x4000_0000UL, 9, false)]  // the 2 MiB before it
    [InlineData(0x4000_0000UL, 10, true)]  // 4 MiB covering it
    public void InvalidatePages_RemovesEntriesWhoseRegionOverlaps(ulong address, int am, bool removed)
    {
        _psc.Fill(new PagingStructureEntry(Did, 2, 0x4020_0000, 0xC000, DmaAccess.ReadWrite));
        _psc.InvalidatePages(Did, address, am);
        Assert.Equal(removed, !_psc.TryLookup(Did, 0x4020_0000, 2, out _));
    }

    [Fact]
    public void InvalidatePages_UpperLevelsCoveringRange_AlsoRemoved()
    {
        _psc.Fill(new PagingStructureEntry(Did, 4, 0x0, 0xA000, DmaAccess.ReadWrite));
        _psc.Fill(new PagingStructureEntry(Did, 3, 0x0, 0xB000, DmaAccess.ReadWrite));
        _psc.Fill(new PagingStructureEntry(Did, 3, 0x4000_0000, 0xD000, DmaAccess.ReadWrite));
        Assert.Equal(2, _psc.InvalidatePages(Did, 0x1000, 0));
        Assert.True(_psc.TryLookup(Did, 0x4000_0000, 4, out PagingStructureEntry other));
        Assert.Equal(3, other.Level);
    }

    [Fact]
    public void InvalidateDomain_OnlyThatDomain()
    {
        _psc.Fill(new PagingStructureEntry(Did, 2, 0x0, 0xA000, DmaAccess.ReadWrite));
        _psc.Fill(new PagingStructureEntry(Did + 1, 2, 0x0, 0xA000, DmaAccess.ReadWrite));
        Assert.Equal(1, _psc.InvalidateDomain(Did));
        Assert.True(_psc.TryLookup(Did + 1, 0x0, 2, out _));
        Assert.Equal(1, _psc.InvalidateAll());
        Assert.Equal(0, _psc.Count);
    }

    [Fact]
    public void Statistics_Counted()
    {
        _psc.Fill(new PagingStructureEntry(Did, 2, 0x0, 0xA000, DmaAccess.ReadWrite));
        _psc.TryLookup(Did, 0x0, 4, out _);
        _psc.TryLookup(Did, 0x4000_0000, 4, out _);
        _psc.InvalidateAll();
        Assert.Equal(new CacheStatistics(1, 1, 1, 0, 1), _psc.Statistics);
    }
}
