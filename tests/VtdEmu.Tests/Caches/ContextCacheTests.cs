using VtdEmu.Caches;
using VtdEmu.Faults;

namespace VtdEmu.Tests.Caches;

public sealed class ContextCacheTests
{
    private readonly ContextCache _cache = new(new CacheGeometry(64, 4));

    private static ContextCacheEntry Legacy(ushort sid, ushort did) =>
        new(sid, did, [0x1234_5000UL | 1, ((ulong)did << 8) | 2], tablePointer: 0x1234_5000, addressWidth: 2);

    private static ContextCacheEntry Scalable(ushort sid) => new(sid, 0, [0xA000UL | 1, 0, 0, 0]);

    [Fact]
    public void TryLookup_ReturnsRawWordsAndDerivedFields()
    {
        _cache.Fill(Legacy(0x0108, 42));
        Assert.True(_cache.TryLookup(0x0108, out ContextCacheEntry entry));
        Assert.Equal(2, entry.WordCount);
        Assert.Equal(0x1234_5001UL, entry.Word(0));
        Assert.Equal((42UL << 8) | 2, entry.Word(1));
        Assert.Equal((ushort)42, entry.Did);
        Assert.Equal(0x1234_5000UL, entry.TablePointer);
        Assert.False(_cache.TryLookup(0x0109, out _));
    }

    [Fact]
    public void TryLookup_ScalableEntry_HoldsFourWords()
    {
        _cache.Fill(new ContextCacheEntry(7, 0, [1, 2, 3, 4]));
        Assert.True(_cache.TryLookup(7, out ContextCacheEntry entry));
        Assert.True(entry.IsScalable);
        Assert.Equal(4UL, entry.Word(3));
    }

    [Fact]
    public void Fill_StaleUntilInvalidated()
    {
        _cache.Fill(Legacy(0x10, 1));
        _cache.Fill(Legacy(0x10, 2)); // re-resolution replaces; nothing else changes it
        Assert.True(_cache.TryLookup(0x10, out ContextCacheEntry entry));
        Assert.Equal((ushort)2, entry.Did);
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public void InvalidateDomain_WrongDomain_EntryStays()
    {
        _cache.Fill(Legacy(0x10, 1));
        _cache.Fill(Legacy(0x11, 2));
        Assert.Equal(1, _cache.InvalidateDomain(2));
        Assert.True(_cache.TryLookup(0x10, out _));
        Assert.False(_cache.TryLookup(0x11, out _));
    }

    [Fact]
    public void InvalidateDomain_ScalableEntries_AlwaysDropped()
    {
        _cache.Fill(Scalable(0x20));
        Assert.Equal(1, _cache.InvalidateDomain(77));
        Assert.False(_cache.TryLookup(0x20, out _));
    }

    [Theory]
    [InlineData(0, 0x0, 1)]
    [InlineData(1, 0x0, 2)]   // FM=01 ignores bit 2: functions 0 and 4
    [InlineData(2, 0x0, 4)]   // FM=10 ignores bits 2:1: functions 0, 2, 4, 6
    [InlineData(3, 0x0, 8)]   // FM=11: all eight functions of device 0
    [InlineData(3, 0x5, 8)]   // the function bits of the SID do not matter with FM=11
    public void InvalidateDevice_FunctionMask_RemovesMaskedFunctions(int fm, ushort function, int expected)
    {
        for (ushort fn = 0; fn < 8; fn++)
        {
            _cache.Fill(Legacy((ushort)(0x0300 | fn), 1));
        }

        _cache.Fill(Legacy(0x0308, 1)); // device 1 function 0: never matched
        Assert.Equal(expected, _cache.InvalidateDevice((ushort)(0x0300 | function), fm, 1));
        Assert.True(_cache.TryLookup(0x0308, out _));
    }

    [Fact]
    public void InvalidateAll_RemovesEverything()
    {
        _cache.Fill(Legacy(1, 1));
        _cache.Fill(Scalable(2));
        Assert.Equal(2, _cache.InvalidateAll());
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Fill_NegativeEntry_OnlyWithCachingMode()
    {
        var negative = new ContextCacheEntry(5, 0, [0UL, 0UL], FaultReason.ContextEntryNotPresent);
        Assert.False(_cache.Fill(negative));
        var cm = new ContextCache(new CacheGeometry(16, 4), cachingMode: true);
        Assert.True(cm.Fill(negative));
        Assert.True(cm.TryLookup(5, out ContextCacheEntry entry));
        Assert.Equal(FaultReason.ContextEntryNotPresent, entry.Fault);
        Assert.Equal(1, cm.InvalidateDomain(0)); // negative entries carry DID 0 (Linux invalidates them with DID 0)
    }

    [Fact]
    public void Statistics_Counted()
    {
        _cache.Fill(Legacy(1, 1));
        _cache.TryLookup(1, out _);
        _cache.TryLookup(2, out _);
        _cache.InvalidateDevice(1, 0, 1);
        Assert.Equal(new CacheStatistics(1, 1, 1, 0, 1), _cache.Statistics);
    }
}
