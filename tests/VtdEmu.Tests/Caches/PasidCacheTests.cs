using VtdEmu.Caches;
using VtdEmu.Faults;

namespace VtdEmu.Tests.Caches;

public sealed class PasidCacheTests
{
    private readonly PasidCache _cache = new(new CacheGeometry(64, 4));

    private static PasidCacheEntry Entry(ushort sid, uint pasid, ushort did) =>
        new(sid, pasid, did, [0x9, (ulong)did, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8], pasidGranularTranslationType: 2);

    [Fact]
    public void TryLookup_ReturnsAll512Bits()
    {
        _cache.Fill(Entry(0x10, 0x1_2345, 9));
        Assert.True(_cache.TryLookup(0x10, 0x1_2345, out PasidCacheEntry entry));
        for (int i = 2; i < PasidCacheEntry.WordCount; i++)
        {
            Assert.Equal((ulong)(i + 1), entry.Word(i));
        }

        Assert.Equal((ushort)9, entry.Did);
        Assert.Equal((byte)2, entry.PasidGranularTranslationType);
        Assert.False(_cache.TryLookup(0x11, 0x1_2345, out _));
        Assert.False(_cache.TryLookup(0x10, 0x1_2346, out _));
    }

    [Fact]
    public void InvalidatePasid_MatchesDidAndPasid()
    {
        _cache.Fill(Entry(0x10, 1, 9));
        _cache.Fill(Entry(0x10, 2, 9));
        _cache.Fill(Entry(0x11, 1, 8));
        Assert.Equal(0, _cache.InvalidatePasid(7, 1)); // wrong domain: stays
        Assert.Equal(1, _cache.InvalidatePasid(9, 1));
        Assert.False(_cache.TryLookup(0x10, 1, out _));
        Assert.True(_cache.TryLookup(0x10, 2, out _));
        Assert.True(_cache.TryLookup(0x11, 1, out _));
    }

    [Fact]
    public void InvalidateDomain_AllPasidsOfDid()
    {
        _cache.Fill(Entry(0x10, 1, 9));
        _cache.Fill(Entry(0x12, 2, 9));
        _cache.Fill(Entry(0x11, 1, 8));
        Assert.Equal(2, _cache.InvalidateDomain(9));
        Assert.True(_cache.TryLookup(0x11, 1, out _));
        Assert.Equal(1, _cache.InvalidateAll());
    }

    [Fact]
    public void Fill_NegativeEntry_OnlyWithCachingMode()
    {
        var negative = new PasidCacheEntry(1, 5, 0, [], FaultReason.ContextEntryInvalid);
        Assert.False(_cache.Fill(negative));
        var cm = new PasidCache(new CacheGeometry(16, 4), cachingMode: true);
        Assert.True(cm.Fill(negative));
        Assert.True(cm.TryLookup(1, 5, out PasidCacheEntry entry));
        Assert.True(entry.IsNegative);
    }
}
