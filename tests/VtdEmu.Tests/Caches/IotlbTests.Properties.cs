using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed partial class IotlbTests
{
    public static TheoryData<int, int, ReplacementPolicy, bool> PropertyGeometries => new()
    {
        { 16, 1, ReplacementPolicy.Lru, false },        // direct-mapped, heavy conflicts
        { 64, 4, ReplacementPolicy.TreePlru, true },    // 4-way with a separate large-page array
        { 32, 32, ReplacementPolicy.Random, false },    // fully associative, random replacement
        { 256, 256, ReplacementPolicy.Lru, false },     // larger than any sequence fills: never evicts
        { 16, 16, ReplacementPolicy.FlushWhenFull, false }, // QEMU's model: emptied when full
    };

    /// <summary>
    /// Random fill / lookup / invalidate sequences against an ideal dictionary cache with the same
    /// tags and the spec's invalidation rules: every hit must be exactly what the reference holds for
    /// that tag; when nothing was ever evicted, the cache must also hit whenever the reference can.
    /// </summary>
    [Theory]
    [MemberData(nameof(PropertyGeometries))]
    public void RandomOperations_HitsAgreeWithReferenceModel(int entries, int ways, ReplacementPolicy policy, bool separateLarge)
    {
        Gen.ULong.Array[1, 200].Sample(
            ops =>
            {
                var geometry = new CacheGeometry(entries, ways, policy);
                var iotlb = new Iotlb(geometry, separateLarge ? CacheGeometry.FullyAssociative(8, policy) : null);
                var reference = new Dictionary<(ushort, uint, TranslationKind, PageSize, ulong), IotlbEntry>();
                foreach (ulong op in ops)
                {
                    Step(iotlb, reference, op);
                }
            },
            iter: 300);
    }

    private static void Step(Iotlb iotlb, Dictionary<(ushort, uint, TranslationKind, PageSize, ulong), IotlbEntry> reference, ulong r)
    {
        ushort did = (ushort)(1 + ((r >> 8) % 3));
        uint pasid = (uint)(1 + ((r >> 10) & 1));
        var kind = (TranslationKind)((r >> 12) & 3);
        var size = (PageSize)((r >> 14) % 3);
        ulong address = (((r >> 16) & 0x3F) << 12) | (((r >> 22) & 3) << 21) | (((r >> 24) & 1) << 30);
        switch (r % 10)
        {
            case < 5:
                var entry = new IotlbEntry(did, pasid, kind, address, size, (r >> 32) << 12, (DmaAccess)((r >> 25) & 3), global: ((r >> 27) & 1) != 0);
                Assert.True(iotlb.Fill(entry));
                reference[Tag(entry)] = entry;
                break;
            case < 8:
                address |= (r >> 40) & 0xFFF;
                bool hit = iotlb.TryLookup(did, pasid, kind, address, out IotlbEntry found);
                if (hit)
                {
                    Assert.True(reference.TryGetValue(Tag(found), out IotlbEntry expected), "hit on a tag the reference does not hold");
                    Assert.Equal(expected, found);
                    Assert.Equal(did, found.Did);
                    Assert.Equal(kind, found.Kind);
                    Assert.InRange(address - found.InputPageBase, 0UL, found.SizeBytes - 1);
                }

                if (iotlb.Statistics.Evictions == 0)
                {
                    Assert.Equal(ReferenceCovers(reference, did, pasid, kind, address), hit);
                }

                break;
            default:
                Invalidate(iotlb, reference, r, did, pasid, address);
                break;
        }
    }

    private static void Invalidate(Iotlb iotlb, Dictionary<(ushort, uint, TranslationKind, PageSize, ulong), IotlbEntry> reference, ulong r, ushort did, uint pasid, ulong address)
    {
        int am = (int)((r >> 40) % 12);
        ulong start = address & ~((1UL << (12 + am)) - 1);
        ulong end = start + (1UL << (12 + am));
        static bool SecondLevelOrPassThrough(IotlbEntry e) => e.Kind is TranslationKind.SecondLevel or TranslationKind.PassThrough;
        bool Overlaps(IotlbEntry e) => e.InputPageBase < end && e.InputPageBase + e.SizeBytes > start;
        Func<IotlbEntry, bool> removes;
        switch ((r >> 28) % 5)
        {
            case 0:
                iotlb.InvalidateAll();
                removes = _ => true;
                break;
            case 1:
                iotlb.InvalidateDomain(did);
                // Nested entries hold second-level information: a second-level invalidation removes them too.
                removes = e => e.Did == did && (SecondLevelOrPassThrough(e) || e.Kind == TranslationKind.Nested);
                break;
            case 2:
                iotlb.InvalidatePages(did, address, am);
                // The range is second-level input: every nested entry of the DID goes (spec-notes/nested.md §4).
                removes = e => e.Did == did && ((SecondLevelOrPassThrough(e) && Overlaps(e)) || e.Kind == TranslationKind.Nested);
                break;
            case 3:
                iotlb.InvalidatePasid(did, pasid);
                removes = e => e.Did == did && !SecondLevelOrPassThrough(e) && e.Pasid == pasid && !e.IsGlobal;
                break;
            default:
                iotlb.InvalidatePasidPages(did, pasid, address, am);
                removes = e => e.Did == did && !SecondLevelOrPassThrough(e) && e.Pasid == pasid && Overlaps(e);
                break;
        }

        foreach (KeyValuePair<(ushort, uint, TranslationKind, PageSize, ulong), IotlbEntry> pair in reference.Where(p => removes(p.Value)).ToList())
        {
            reference.Remove(pair.Key);
        }
    }

    private static (ushort, uint, TranslationKind, PageSize, ulong) Tag(IotlbEntry e) => (e.Did, e.Pasid, e.Kind, e.Size, e.InputPageBase);

    private static bool ReferenceCovers(Dictionary<(ushort, uint, TranslationKind, PageSize, ulong), IotlbEntry> reference, ushort did, uint pasid, TranslationKind kind, ulong address)
    {
        uint tagPasid = kind is TranslationKind.FirstLevel or TranslationKind.Nested ? pasid : 0;
        foreach (IotlbEntry e in reference.Values)
        {
            if (e.Did == did && e.Kind == kind && e.Pasid == tagPasid && unchecked(address - e.InputPageBase) < e.SizeBytes)
            {
                return true;
            }
        }

        return false;
    }
}
