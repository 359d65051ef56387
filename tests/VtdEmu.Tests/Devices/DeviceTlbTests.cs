using VtdEmu.Caches;
using VtdEmu.Devices;

namespace VtdEmu.Tests.Devices;

public sealed class DeviceTlbTests
{
    private readonly DeviceTlb _tlb = new(new CacheGeometry(16, 4));

    [Theory]
    [InlineData(0x5000UL, false, 0x5000UL, 0x5FFFUL)]              // S = 0: one page
    [InlineData(0x4000UL, true, 0x4000UL, 0x5FFFUL)]               // S = 1, no ones at bit 12: 2 pages
    [InlineData(0x5000UL, true, 0x4000UL, 0x7FFFUL)]               // one 1 at bit 12: 4 pages, aligned
    [InlineData(0x7_F000UL, true, 0x0UL, 0xF_FFFFUL)]              // seven ones: 256 pages = 1 MiB
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, true, 0x0UL, ulong.MaxValue)] // all ones: everything
    public void DecodeRange_FollowsTheAtsSizeEncoding(ulong address, bool size, ulong first, ulong last) =>
        Assert.Equal((first, last), DeviceTlb.DecodeRange(address, size));

    [Fact]
    public void Lookup_FindsLargePagesAndSeparatesPasids()
    {
        _tlb.Fill(new DeviceTlbEntry(false, 0, 0x20_0000, 0x4000_0000, 21, true, true));
        _tlb.Fill(new DeviceTlbEntry(true, 5, 0x1000, 0x9000, 12, true, false));

        Assert.True(_tlb.TryLookup(0x3F_F123, null, out DeviceTlbEntry large));
        Assert.Equal(0x4000_0000UL, large.OutputPage);
        Assert.False(_tlb.TryLookup(0x1000, null, out _));
        Assert.True(_tlb.TryLookup(0x1FFF, 5, out _));
        Assert.False(_tlb.TryLookup(0x1000, 6, out _));
    }

    [Fact]
    public void Invalidate_RemovesOverlappingEntriesOfTheNamedPasidOnly()
    {
        _tlb.Fill(new DeviceTlbEntry(false, 0, 0x1000, 0x9000, 12, true, true));
        _tlb.Fill(new DeviceTlbEntry(true, 5, 0x1000, 0xA000, 12, true, true));
        _tlb.Fill(new DeviceTlbEntry(true, 6, 0x1000, 0xB000, 12, true, true));
        _tlb.Fill(new DeviceTlbEntry(false, 0, 0x20_0000, 0x4000_0000, 21, true, true));

        Assert.Equal(1, _tlb.Invalidate(0x1000, 0x1FFF, pasid: 5));
        Assert.True(_tlb.TryLookup(0x1000, null, out _));
        Assert.True(_tlb.TryLookup(0x1000, 6, out _));

        Assert.Equal(1, _tlb.Invalidate(0x30_0000, 0x30_0FFF, pasid: null)); // a page inside the 2 MiB entry
        Assert.False(_tlb.TryLookup(0x20_0000, null, out _));

        Assert.Equal(1, _tlb.Invalidate(0, ulong.MaxValue, pasid: null, allPasids: true));
        Assert.True(_tlb.TryLookup(0x1000, null, out _)); // G = 1 names PASID entries only
    }
}
