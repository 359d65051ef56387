using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Caches.Internal;

namespace VtdEmu.Tests.Caches;

public sealed class SetAssociativeStoreTests
{
    private static ulong Key(ulong n) => SetAssociativeStore<ulong>.ValidBit | n;

    private static bool Fill(SetAssociativeStore<ulong> store, ulong n) => store.FillLocked(store.SetOf(n), Key(n), 0, n * 10);

    private static bool Holds(SetAssociativeStore<ulong> store, ulong n) => store.TryFind(store.SetOf(n), Key(n), 0, out _);

    [Fact]
    public void Fill_Lru_EvictsLeastRecentlyUsed()
    {
        var store = new SetAssociativeStore<ulong>(CacheGeometry.FullyAssociative(4));
        for (ulong n = 1; n <= 4; n++)
        {
            Fill(store, n);
        }

        Assert.True(Holds(store, 1)); // 1 becomes most recent; 2 is now the oldest
        Assert.True(Fill(store, 5));
        Assert.False(Holds(store, 2));
        Assert.True(Holds(store, 1));
        Assert.True(Holds(store, 3));
        Assert.True(Holds(store, 4));
        Assert.True(Holds(store, 5));
    }

    [Fact]
    public void Fill_TreePlru_FollowsTreeBitsNotExactLru()
    {
        // Fill ways 0..3 in order: every tree node then points at the left half, so way 0 is the
        // victim. Refilling way 0 points the root right and node 3 still points at way 2, so the next
        // victim is way 2 (entry 3) - where exact LRU would evict entry 2.
        var store = new SetAssociativeStore<ulong>(new CacheGeometry(4, 4, ReplacementPolicy.TreePlru));
        for (ulong n = 1; n <= 4; n++)
        {
            Fill(store, n);
        }

        Fill(store, 5);
        Assert.False(Holds(store, 1));
        Fill(store, 6);
        Assert.False(Holds(store, 3));
        Assert.True(Holds(store, 2));
        Assert.True(Holds(store, 4));
        Assert.True(Holds(store, 5));
        Assert.True(Holds(store, 6));
    }

    [Fact]
    public void Fill_TreePlru_HitProtectsEntry()
    {
        var store = new SetAssociativeStore<ulong>(new CacheGeometry(8, 8, ReplacementPolicy.TreePlru));
        for (ulong n = 0; n < 8; n++)
        {
            Fill(store, n);
        }

        for (ulong round = 0; round < 16; round++)
        {
            Assert.True(Holds(store, 0)); // touching way 0 before each fill keeps it out of the victim path
            Fill(store, 100 + round);
        }

        Assert.True(Holds(store, 0));
    }

    [Fact]
    public void Fill_RandomSameSeed_SameContents()
    {
        var geometry = new CacheGeometry(8, 8, ReplacementPolicy.Random, Seed: 12345);
        var a = new SetAssociativeStore<ulong>(geometry);
        var b = new SetAssociativeStore<ulong>(geometry);
        var c = new SetAssociativeStore<ulong>(geometry with { Seed = 987654321 });
        for (ulong n = 0; n < 64; n++)
        {
            Fill(a, n);
            Fill(b, n);
            Fill(c, n);
        }

        bool anyDifferentFromC = false;
        for (ulong n = 0; n < 64; n++)
        {
            Assert.Equal(Holds(a, n), Holds(b, n));
            anyDifferentFromC |= Holds(a, n) != Holds(c, n);
        }

        Assert.Equal(8, a.Count);
        Assert.True(anyDifferentFromC);
    }

    [Fact]
    public void Fill_DirectMapped_ConflictingIndexEvicts()
    {
        var store = new SetAssociativeStore<ulong>(CacheGeometry.DirectMapped(16));
        Fill(store, 3);
        Fill(store, 4);
        Assert.True(Fill(store, 3 + 16)); // same set as 3
        Assert.False(Holds(store, 3));
        Assert.True(Holds(store, 4));
        Assert.True(Holds(store, 19));
        Assert.Equal(1, store.Evictions);
    }

    [Fact]
    public void Fill_FullyAssociative_HoldsAnyTagsUpToCapacity()
    {
        var store = new SetAssociativeStore<ulong>(CacheGeometry.FullyAssociative(8));
        for (ulong n = 0; n < 8; n++)
        {
            Assert.False(Fill(store, n * 1024)); // indices that would all collide in a direct-mapped array
        }

        Assert.Equal(8, store.Count);
        Assert.Equal(0, store.Evictions);
    }

    [Fact]
    public void Fill_SameTag_ReplacesInPlace()
    {
        var store = new SetAssociativeStore<ulong>(new CacheGeometry(16, 4));
        Fill(store, 7);
        store.FillLocked(store.SetOf(7), Key(7), 0, 99);
        Assert.True(store.TryFind(store.SetOf(7), Key(7), 0, out ulong payload));
        Assert.Equal(99UL, payload);
        Assert.Equal(1, store.Count);
        Assert.Equal(2, store.Fills);
    }

    [Theory]
    [InlineData(16, 3)]
    [InlineData(8, 16)]
    [InlineData(24, 4)]
    [InlineData(12, 4)]
    public void Constructor_BadGeometry_Throws(int entries, int ways)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SetAssociativeStore<ulong>(new CacheGeometry(entries, ways)));
    }

    [Fact]
    public void Constructor_ZeroEntries_Disabled()
    {
        var store = new SetAssociativeStore<ulong>(CacheGeometry.Disabled);
        Assert.False(store.IsEnabled);
        Assert.False(Fill(store, 1));
        Assert.False(Holds(store, 1));
    }

    [Fact]
    public void Constructor_TreePlruNonPowerOfTwoWays_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SetAssociativeStore<ulong>(new CacheGeometry(12, 12, ReplacementPolicy.TreePlru)));

    [Fact]
    public void Fill_FlushWhenFull_EmptiesTheWholeCacheThenFills()
    {
        var store = new SetAssociativeStore<ulong>(CacheGeometry.FullyAssociative(4, ReplacementPolicy.FlushWhenFull));
        for (ulong n = 1; n <= 4; n++)
        {
            Assert.False(Fill(store, n));
        }

        Assert.False(Fill(store, 3));   // a tag already held is rewritten in place: nothing flushed
        Assert.Equal(4, store.Count);

        Assert.True(Fill(store, 5));

        Assert.Equal(1, store.Count);
        Assert.True(Holds(store, 5));
        Assert.All(new ulong[] { 1, 2, 3, 4 }, n => Assert.False(Holds(store, n)));
        Assert.Equal(4, store.Evictions);
        Assert.Equal(0, store.Invalidated);
    }

    [Fact]
    public void Fill_FlushWhenFull_AgreesWithAModelOfQemusTable()
    {
        // The model: a set of tags; inserting a new tag into a full set empties it first.
        Gen.ULong[0, 40].Array[1, 300].Sample(
            tags =>
            {
                var store = new SetAssociativeStore<ulong>(CacheGeometry.FullyAssociative(16, ReplacementPolicy.FlushWhenFull));
                var model = new HashSet<ulong>();
                foreach (ulong tag in tags)
                {
                    if (!model.Contains(tag) && model.Count == 16)
                    {
                        model.Clear();
                    }

                    model.Add(tag);
                    Fill(store, tag);
                    Assert.Equal(model.Count, store.Count);
                }

                for (ulong tag = 0; tag <= 40; tag++)
                {
                    Assert.Equal(model.Contains(tag), Holds(store, tag));
                }
            },
            seed: "0N0XIzNsQ0O2",
            iter: 200);
    }
}
