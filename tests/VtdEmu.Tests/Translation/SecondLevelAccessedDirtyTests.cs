using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Tests.Reference;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// Second-level accessed/dirty updates (PASID-entry SLADE with ECAP.SLADS; spec-notes/translation.md §7): which
/// entries change and to what, on the uncached and the cached pipeline, checked against
/// <see cref="ReferenceWalker"/> and <see cref="ReferenceAccessedDirty"/>.
/// </summary>
public sealed class SecondLevelAccessedDirtyTests
{
    private const ushort Sid = 0x0310;
    private const ushort Did = 42;
    private const uint Pasid = 0x85;
    private const ulong Iova = 0x12_3456_7ABC;
    private const ulong Hpa = 0x2345_6000;
    private const int Levels = 4;

    [Fact]
    public void Translate_ReadThenWrite_AOnEveryEntryThenDOnTheLeafOnly()
    {
        (Translator translator, TableBuilder builder, ulong slRoot, RootPointer root) = Device(slade: true, TranslationCacheOptions.None);
        ulong[] slots = [.. Enumerable.Range(1, Levels).Reverse().Select(l => builder.PathEntry(slRoot, Levels, Iova, l))];
        ulong[] before = [.. slots.Select(builder.Read64)];

        Assert.Equal(FaultReason.None, translator.Translate(Request(DmaAccess.Read), root).Fault);
        Assert.Equal([.. before.Select(e => e | 0x100)], slots.Select(builder.Read64));

        Assert.Equal(FaultReason.None, translator.Translate(Request(DmaAccess.Write), root).Fault);
        Assert.Equal([.. before.Select((e, i) => e | 0x100 | (i == Levels - 1 ? 0x200UL : 0))], slots.Select(builder.Read64));
    }

    [Fact]
    public void Translate_WithoutSlade_ChangesNoEntry()
    {
        (Translator translator, TableBuilder builder, ulong slRoot, RootPointer root) = Device(slade: false, TranslationCacheOptions.None);
        ulong[] slots = [.. Enumerable.Range(1, Levels).Select(l => builder.PathEntry(slRoot, Levels, Iova, l))];
        ulong[] before = [.. slots.Select(builder.Read64)];

        Assert.Equal(FaultReason.None, translator.Translate(Request(DmaAccess.Write), root).Fault);

        Assert.Equal(before, slots.Select(builder.Read64));
    }

    [Fact]
    public void Translate_FaultingRequest_ChangesNoEntry()
    {
        (Translator translator, TableBuilder builder, ulong slRoot, RootPointer root) = Device(slade: true, TranslationCacheOptions.None, DmaAccess.Read);
        ulong[] slots = [.. Enumerable.Range(1, Levels).Select(l => builder.PathEntry(slRoot, Levels, Iova, l))];
        ulong[] before = [.. slots.Select(builder.Read64)];

        Assert.Equal(FaultReason.ScalableWriteDenied, translator.Translate(Request(DmaAccess.Write), root).Fault);

        Assert.Equal(before, slots.Select(builder.Read64));
    }

    [Fact]
    public void Translate_Cached_WriteAfterReadWalksToSetDThenHits()
    {
        (Translator translator, TableBuilder builder, ulong slRoot, RootPointer root) = Device(slade: true, new TranslationCacheOptions());
        ulong leaf = builder.PathEntry(slRoot, Levels, Iova, 1);

        translator.Translate(Request(DmaAccess.Read), root);
        translator.Translate(Request(DmaAccess.Read), root);
        Assert.Equal(1L, translator.Statistics.Walks); // the read was cached
        Assert.Equal(0UL, builder.Read64(leaf) & 0x200);

        Assert.Equal(FaultReason.None, translator.Translate(Request(DmaAccess.Write), root).Fault);
        Assert.Equal(2L, translator.Statistics.Walks); // a clean leaf: the write walked
        Assert.Equal(0x200UL, builder.Read64(leaf) & 0x200);

        translator.Translate(Request(DmaAccess.Write), root);
        Assert.Equal(2L, translator.Statistics.Walks); // now cached with W
    }

    [Fact]
    public void Translate_Cached_DClearedBySoftwareWithoutInvalidation_StaysClear()
    {
        // The IOTLB holds W once D was set; software clearing D without invalidating sees no new D (§3.8 / caching).
        (Translator translator, TableBuilder builder, ulong slRoot, RootPointer root) = Device(slade: true, new TranslationCacheOptions());
        ulong leaf = builder.PathEntry(slRoot, Levels, Iova, 1);
        translator.Translate(Request(DmaAccess.Write), root);
        builder.Write64(leaf, builder.Read64(leaf) & ~0x200UL);

        translator.Translate(Request(DmaAccess.Write), root);
        Assert.Equal(0UL, builder.Read64(leaf) & 0x200);

        translator.Caches.InvalidateIotlbDomain(Did);
        translator.Translate(Request(DmaAccess.Write), root);
        Assert.Equal(0x200UL, builder.Read64(leaf) & 0x200);
    }

    /// <summary>
    /// Random SL paths (R/W, PS, A, D and now and then a reserved bit per level) and a random sequence of reads and
    /// writes to a few addresses through a cached pipeline: each result is the reference walker's on the memory as it
    /// was, and exactly the entries the reference names change, to exactly the values it names (nothing on a fault).
    /// </summary>
    [Fact]
    public void Property_RandomPathsAndRequests_CachedPipelineMatchesReferenceIncludingAccessedDirty()
    {
        Gen<ulong> bits = Gen.Select(Gen.Int[0, 7], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[0, 15])
            .Select((rw, ps, a, d, rsv) => (rw switch { 0 => 0UL, 1 => 1UL, 2 => 2UL, _ => 3UL }) | (ps ? 0x80UL : 0)
                | (a ? 0x100UL : 0) | (d ? 0x200UL : 0) | (rsv == 0 ? 1UL << 62 : 0));
        Gen.Select(bits.Array[4], bits.Array[4], Gen.Int[0, 3].Array[12], Gen.Bool)
            .Sample((pathA, pathB, requests, cachedPipeline) => Check(pathA, pathB, requests, cachedPipeline), iter: 150);
    }

    private static void Check(ulong[] pathA, ulong[] pathB, int[] requests, bool cachedPipeline)
    {
        var builder = new TableBuilder();
        ulong slRoot = builder.AllocatePage();
        ulong[] iovas = [0x40_0000_1000, 0x40_0020_3000]; // share the PML4E and PDPE, differ in the PDE
        WritePath(builder, slRoot, iovas[0], pathA);
        WritePath(builder, slRoot, iovas[1], pathB);
        (Translator translator, RootPointer root) = Build(builder, slRoot, slade: true, cachedPipeline ? new TranslationCacheOptions() : TranslationCacheOptions.None);
        ulong end = slRoot + 0x1_0000; // every table of both paths (the builder hands out pages upwards)
        foreach (int pick in requests)
        {
            ulong iova = iovas[pick & 1] | 0x10;
            DmaAccess access = (pick & 2) != 0 ? DmaAccess.Write : DmaAccess.Read;
            byte[] before = Snapshot(builder.Memory, slRoot, end);
            ReferenceWalker.Outcome expected = ReferenceWalker.Translate(builder.Memory, TestParameters.Haw, 56, 0b11, false, false, slRoot, Levels, iova, access, scalable: true);
            List<(ulong Address, ulong Value)> updates = expected.Fault == FaultReason.None
                ? ReferenceAccessedDirty.SecondLevel(builder.Memory, slRoot, Levels, iova, access == DmaAccess.Write) : [];

            TranslationResult actual = translator.Translate(new DmaRequest(Sid, iova, access, pasid: Pasid), root);

            Assert.Equal(expected.Fault, actual.Fault);
            Assert.Equal(expected.Output, actual.Fault == FaultReason.None ? actual.OutputAddress : 0);
            byte[] after = Snapshot(builder.Memory, slRoot, end);
            for (int offset = 0; offset < before.Length; offset += 8)
            {
                ulong address = slRoot + (ulong)offset;
                int u = updates.FindIndex(x => x.Address == address);
                Assert.Equal(u < 0 ? BitConverter.ToUInt64(before, offset) : updates[u].Value, BitConverter.ToUInt64(after, offset));
            }
        }
    }

    // Entries for iova from the root down; a level whose bits have PS (levels 2-3) becomes the leaf.
    private static void WritePath(TableBuilder builder, ulong root, ulong iova, ulong[] levelBits)
    {
        ulong table = root;
        for (int level = Levels; level >= 1; level--)
        {
            ulong slot = TableBuilder.EntryAddress(table, level, iova);
            ulong existing = builder.Read64(slot);
            ulong entryBits = levelBits[Levels - level];
            bool leaf = level == 1 || (level <= 3 && (entryBits & 0x80) != 0);
            if (leaf)
            {
                ulong page = 0x800_0000UL & ~((1UL << (12 + (9 * (level - 1)))) - 1);
                builder.Write64(slot, page | (entryBits & ~0x80UL) | (level > 1 ? 0x80UL : 0));
                return;
            }

            ulong next = (existing & 3) != 0 ? existing & 0x000F_FFFF_FFFF_F000 : builder.AllocatePage();
            if ((existing & 3) == 0)
            {
                builder.Write64(slot, next | (entryBits & ~0x80UL));
            }

            table = next;
        }
    }

    private static byte[] Snapshot(GuestMemory memory, ulong from, ulong to)
    {
        byte[] bytes = new byte[to - from];
        Assert.True(memory.TryRead(from, bytes));
        return bytes;
    }

    private static DmaRequest Request(DmaAccess access) => new(Sid, Iova, access, pasid: Pasid);

    private static (Translator Translator, TableBuilder Builder, ulong SlRoot, RootPointer Root) Device(bool slade, TranslationCacheOptions caches, DmaAccess rights = DmaAccess.ReadWrite)
    {
        var builder = new TableBuilder();
        ulong slRoot = builder.SecondLevel(Levels, (Iova & ~0xFFFUL, Hpa, 0x1000, rights));
        (Translator translator, RootPointer root) = Build(builder, slRoot, slade, caches);
        return (translator, builder, slRoot, root);
    }

    private static (Translator Translator, RootPointer Root) Build(TableBuilder builder, ulong slRoot, bool slade, TranslationCacheOptions caches)
    {
        ScalableTables tables = builder.Scalable(Sid, Pasid, PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, slRoot, aw: 2));
        if (slade)
        {
            builder.Write64(tables.PasidEntry, builder.Read64(tables.PasidEntry) | (1UL << 9));
        }

        TranslationParameters parameters = TestParameters.Create(ecap: TestParameters.DefaultEcap | TestParameters.SLADS);
        return (new Translator(builder.Memory, parameters, new TranslationCaches(caches)), RootPointer.Scalable(tables.RootTable));
    }
}
