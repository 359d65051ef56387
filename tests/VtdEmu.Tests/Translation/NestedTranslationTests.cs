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
/// Nested translation (PGTT 011; spec-notes/nested.md): one test per fault reason of either level, the combined
/// IOTLB entry and which invalidations remove it, and a property comparing the cached pipeline with
/// <see cref="ReferenceNestedWalker"/> — results and exactly which first- and second-level entries' A/D bits change.
/// </summary>
public sealed class NestedTranslationTests
{
    private const ushort Sid = 0x0310;
    private const ushort Did = 42;
    private const uint Pasid = 0x85;
    private const ulong Iova = 0x12_3456_7000;
    private const ulong OutputGpa = 0x2_0000_5000;
    private const ulong P = 1, Rw = 2, Us = 4, Open = P | Rw | Us;
    private const ulong Srs = 1UL << 31;

    public enum NestedCase
    {
        Mapped,
        FlptptrBeyondSecondLevelWidth,
        LowerTableBeyondSecondLevelWidth,
        RootTableNotMapped,
        RootTableWriteOnly,
        LowerTableWriteOnly,
        LeafTableReadOnlyNeedsAccessed,
        LeafTableReadOnlyAlreadyAccessed,
        FirstLevelNotPresent,
        OutputNotMapped,
        OutputReadOnlyWrite,
        OutputBeyondSecondLevelWidth,
        OutputInInterruptRange,
        SecondLevelReservedBit,
        SecondLevelRootUnreadable,
        NestNotReported,
    }

    public static TheoryData<NestedCase, FaultReason> Cases => new()
    {
        { NestedCase.Mapped, FaultReason.None },
        { NestedCase.FlptptrBeyondSecondLevelWidth, FaultReason.NestedTableBeyondWidth },
        { NestedCase.LowerTableBeyondSecondLevelWidth, FaultReason.NestedTableBeyondWidth },
        { NestedCase.RootTableNotMapped, FaultReason.SecondLevelEntryNotPresent },
        { NestedCase.RootTableWriteOnly, FaultReason.NestedRootTableReadDenied },
        { NestedCase.LowerTableWriteOnly, FaultReason.NestedTableReadDenied },
        { NestedCase.LeafTableReadOnlyNeedsAccessed, FaultReason.NestedEntryUpdateWriteDenied },
        { NestedCase.LeafTableReadOnlyAlreadyAccessed, FaultReason.None },
        { NestedCase.FirstLevelNotPresent, FaultReason.FirstLevelEntryNotPresent },
        { NestedCase.OutputNotMapped, FaultReason.SecondLevelEntryNotPresent },
        { NestedCase.OutputReadOnlyWrite, FaultReason.ScalableWriteDenied },
        { NestedCase.OutputBeyondSecondLevelWidth, FaultReason.ScalableAddressBeyondWidth },
        { NestedCase.OutputInInterruptRange, FaultReason.ScalableOutputInInterruptRange },
        { NestedCase.SecondLevelReservedBit, FaultReason.SecondLevelEntryReserved },
        { NestedCase.SecondLevelRootUnreadable, FaultReason.SecondLevelRootAccessError },
        { NestedCase.NestNotReported, FaultReason.PasidTableEntryInvalid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_NestedCase_GivesTheSpecsFaultForEitherLevel(NestedCase change, FaultReason expected)
    {
        int slAw = change is NestedCase.FlptptrBeyondSecondLevelWidth or NestedCase.LowerTableBeyondSecondLevelWidth or NestedCase.OutputBeyondSecondLevelWidth ? 1 : 2;
        var nest = new Nest(slAw);
        DmaAccess Rights(NestedCase c, int level) => (change, level) switch
        {
            (NestedCase.RootTableWriteOnly, 4) or (NestedCase.LowerTableWriteOnly, 2) => DmaAccess.Write,
            (NestedCase.LeafTableReadOnlyNeedsAccessed or NestedCase.LeafTableReadOnlyAlreadyAccessed, 1) => DmaAccess.Read,
            (NestedCase.RootTableNotMapped, 4) => DmaAccess.None,
            _ => DmaAccess.ReadWrite,
        };
        ulong root = change == NestedCase.FlptptrBeyondSecondLevelWidth ? 1UL << 40 : nest.NewTable(Rights(change, 4));
        ulong accessed = change == NestedCase.LeafTableReadOnlyAlreadyAccessed ? 0x20UL : 0;
        ulong table = root;
        for (int level = 4; level >= 2 && change != NestedCase.FlptptrBeyondSecondLevelWidth; level--)
        {
            ulong next = change == NestedCase.LowerTableBeyondSecondLevelWidth && level == 4 ? 1UL << 40 : nest.NewTable(Rights(change, level - 1));
            nest.WriteFl(table, level, Iova, next | Open | accessed);
            if (next == 1UL << 40)
            {
                break;
            }

            table = next;
        }

        ulong outputGpa = change == NestedCase.OutputBeyondSecondLevelWidth ? 1UL << 40 : OutputGpa;
        if (change is not (NestedCase.FlptptrBeyondSecondLevelWidth or NestedCase.LowerTableBeyondSecondLevelWidth))
        {
            nest.WriteFl(table, 1, Iova, change == NestedCase.FirstLevelNotPresent ? 0 : outputGpa | Open | accessed);
        }

        ulong hpa = change == NestedCase.OutputInInterruptRange ? 0xFEE0_0000 : 0x3000_0000;
        if (change is not (NestedCase.OutputNotMapped or NestedCase.OutputBeyondSecondLevelWidth))
        {
            nest.Builder.Map(nest.SlRoot, nest.SlLevels, outputGpa, hpa, 0x1000, change == NestedCase.OutputReadOnlyWrite ? DmaAccess.Read : DmaAccess.ReadWrite);
        }

        if (change == NestedCase.SecondLevelReservedBit)
        {
            ulong slLeaf = nest.Builder.PathEntry(nest.SlRoot, nest.SlLevels, root, 1);
            nest.Builder.Write64(slLeaf, nest.Builder.Read64(slLeaf) | (1UL << 62));
        }

        ulong ecap = TestParameters.DefaultEcap | TestParameters.FLTS | (change == NestedCase.NestNotReported ? 0 : TestParameters.NEST);
        (Translator translator, RootPointer rootPointer) = nest.Device(root, ecap, TranslationCacheOptions.None,
            slptptr: change == NestedCase.SecondLevelRootUnreadable ? TableBuilder.Unbacked : null);
        DmaAccess access = change == NestedCase.OutputReadOnlyWrite ? DmaAccess.Write : DmaAccess.Read;

        TranslationResult result = translator.Translate(new DmaRequest(Sid, Iova | 0x123, access, pasid: Pasid), rootPointer);

        Assert.Equal(expected, result.Fault);
        if (expected == FaultReason.None)
        {
            Assert.Equal(0x3000_0123UL, result.OutputAddress);
            Assert.Equal(Did, result.Did);
        }
    }

    [Fact]
    public void Translate_Nested_FirstLevelAccessedSetThroughSecondLevelAndSecondLevelUntouchedWithoutSlade()
    {
        var nest = new Nest(2);
        (ulong root, ulong[] guestSlots) = nest.Path(Iova, OutputGpa, 0x3000_0000);
        (Translator translator, RootPointer rootPointer) = nest.Device(root, TestParameters.DefaultEcap | TestParameters.FLTS | TestParameters.NEST, TranslationCacheOptions.None);
        byte[] slBefore = nest.SecondLevelSnapshot();

        Assert.Equal(FaultReason.None, translator.Translate(new DmaRequest(Sid, Iova, DmaAccess.Write, pasid: Pasid), rootPointer).Fault);

        for (int i = 0; i < guestSlots.Length; i++)
        {
            Assert.Equal(i == guestSlots.Length - 1 ? 0x60UL : 0x20UL, nest.Builder.Read64(nest.Host(guestSlots[i])) & 0x60);
        }

        Assert.Equal(slBefore, nest.SecondLevelSnapshot());
    }

    public static TheoryData<string, bool> Invalidations => new()
    {
        { "sl-page-other-address", true },
        { "sl-domain", true },
        { "pasid", true },
        { "pasid-page", true },
        { "global", true },
        { "none", false },
        { "other-pasid", false },
    };

    /// <summary>The combined entry answers until either level's invalidation removes it (nested.md §4).</summary>
    [Theory]
    [MemberData(nameof(Invalidations))]
    public void Translate_NestedCached_SecondLevelRemappedThenInvalidated_NewOutputOnlyAfterARemovingInvalidation(string invalidation, bool removes)
    {
        var nest = new Nest(2);
        (ulong root, _) = nest.Path(Iova, OutputGpa, 0x3000_0000);
        (Translator translator, RootPointer rootPointer) = nest.Device(root, TestParameters.DefaultEcap | TestParameters.FLTS | TestParameters.NEST, new TranslationCacheOptions());
        var request = new DmaRequest(Sid, Iova, DmaAccess.Read, pasid: Pasid);
        Assert.Equal(0x3000_0000UL, translator.Translate(request, rootPointer).OutputAddress);
        Assert.Equal(0, translator.Translate(request, rootPointer).TableReads); // the combined entry hit

        nest.Builder.Map(nest.SlRoot, nest.SlLevels, OutputGpa, 0x3100_0000, 0x1000, DmaAccess.ReadWrite);
        TranslationCaches caches = translator.Caches;
        _ = invalidation switch
        {
            // A second-level page-selective request names guest-physical addresses; any address of the DID removes nested entries.
            "sl-page-other-address" => caches.InvalidateIotlbPages(Did, 0x7_0000_0000, 0, invalidationHint: true),
            "sl-domain" => caches.InvalidateIotlbDomain(Did),
            "pasid" => caches.InvalidatePasidIotlb(Did, Pasid),
            "pasid-page" => caches.InvalidatePasidIotlbPages(Did, Pasid, Iova, 0, invalidationHint: true),
            "global" => caches.InvalidateIotlbGlobal(),
            "other-pasid" => caches.InvalidatePasidIotlb(Did, Pasid + 1),
            _ => 0,
        };

        Assert.Equal(removes ? 0x3100_0000UL : 0x3000_0000UL, translator.Translate(request, rootPointer).OutputAddress);
    }

    [Fact]
    public void Translate_NestedCached_PageIsTheSmallerOfTheTwoLevels()
    {
        var nest = new Nest(2);
        ulong root = nest.NewTable(DmaAccess.ReadWrite);
        ulong pdpt = nest.NewTable(DmaAccess.ReadWrite);
        ulong pd = nest.NewTable(DmaAccess.ReadWrite);
        nest.WriteFl(root, 4, Iova, pdpt | Open);
        nest.WriteFl(pdpt, 3, Iova, pd | Open);
        nest.WriteFl(pd, 2, Iova, 0x2_0000_0000 | 0x80 | Open); // a 2 MiB first-level page
        nest.Builder.Map(nest.SlRoot, nest.SlLevels, 0x2_0000_0000 | (Iova & 0x1F_F000), 0x3000_0000, 0x1000, DmaAccess.ReadWrite);
        (Translator translator, RootPointer rootPointer) = nest.Device(root, TestParameters.DefaultEcap | TestParameters.FLTS | TestParameters.NEST, new TranslationCacheOptions());

        TranslationResult result = translator.Translate(new DmaRequest(Sid, Iova | 0x10, DmaAccess.Read, pasid: Pasid), rootPointer);

        Assert.Equal((FaultReason.None, 0x3000_0010UL, 12), (result.Fault, result.OutputAddress, result.PageShift));
        IotlbEntry cached = Assert.Single(translator.Caches.Iotlb.Snapshot());
        Assert.Equal((TranslationKind.Nested, PageSize.Size4K, Iova, 0x3000_0000UL), (cached.Kind, cached.Size, cached.InputPageBase, cached.OutputPageBase));

        // Another 4 KiB page of the same 2 MiB first-level page is not covered by the entry.
        Assert.NotEqual(0, translator.Translate(new DmaRequest(Sid, Iova + 0x1000, DmaAccess.Read, pasid: Pasid), rootPointer).TableReads);
    }

    /// <summary>
    /// Random first-level bits (P, R/W, U/S, PS, A, D, XD, now and then a reserved bit), random second-level rights
    /// for every first-level table page and the output page, random SLADE and request attributes, and a sequence of
    /// requests through the cached pipeline: each result is the reference's, and the model's memory equals the twin on
    /// which the reference made its own A/D updates — the same entries of both levels changed, to the same values.
    /// </summary>
    [Fact]
    public void Property_RandomNestedPaths_CachedPipelineMatchesReferenceIncludingAccessedDirtyOfBothLevels()
    {
        Gen<ulong> flBits = Gen.Select(Gen.Int[0, 9], Gen.Bool, Gen.Int[0, 4], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[0, 9], Gen.Int[0, 29])
            .Select((p, rw, us, ps, a, d, xd, rsv) => (p > 0 ? P : 0) | (rw ? Rw : 0) | (us > 0 ? Us : 0) | (ps ? 0x80UL : 0)
                | (a ? 0x20UL : 0) | (d ? 0x40UL : 0) | (xd == 0 ? 1UL << 63 : 0) | (rsv == 0 ? 1UL << 48 : 0));
        Gen<int> slRights = Gen.Int[0, 9].Select(r => r switch { 0 => 0, 1 => 1, 2 => 2, _ => 3 });
        var seen = new HashSet<FaultReason>();
        Gen.Select(flBits.Array[4], slRights.Array[5], Gen.Int[0, 7].Array[10], Gen.Bool, Gen.Bool)
            .Sample((bits, rights, requests, slade, cached) => Check(bits, rights, requests, slade, cached, seen), iter: 300, threads: 1);

        // Not vacuous: translations succeeded and faults of both levels came up.
        Assert.Contains(FaultReason.None, seen);
        Assert.Contains(FaultReason.NestedEntryUpdateWriteDenied, seen);
        Assert.Contains(FaultReason.NestedTableReadDenied, seen);
        Assert.Contains(FaultReason.SecondLevelEntryNotPresent, seen);
        Assert.Contains(FaultReason.FirstLevelEntryNotPresent, seen);
    }

    private static void Check(ulong[] flBits, int[] slRights, int[] requests, bool slade, bool cached, HashSet<FaultReason> seen)
    {
        Nest model = Random(flBits, slRights, out ulong root);
        Nest twin = Random(flBits, slRights, out _);
        const ulong Ecap = TestParameters.DefaultEcap | TestParameters.FLTS | TestParameters.NEST | TestParameters.SLADS;
        (Translator translator, RootPointer rootPointer) = model.Device(root, Ecap, cached ? new TranslationCacheOptions() : TranslationCacheOptions.None, slade: slade);
        twin.Device(root, Ecap, TranslationCacheOptions.None, slade: slade); // the same context and PASID tables in the twin
        var n = new ReferenceNestedWalker.Nested(root, 4, twin.SlRoot, twin.SlLevels, slade, TestParameters.Haw, OneGiB: false);
        foreach (int r in requests)
        {
            DmaAccess access = (r & 1) != 0 ? DmaAccess.Write : DmaAccess.Read;
            bool privileged = (r & 6) == 6;
            (FaultReason fault, ulong output) = ReferenceNestedWalker.Translate(twin.Builder.Memory, n, Iova | 0x40, access, privileged, false, wpe: false); // the PASID entry has WPE = 0

            TranslationResult actual = translator.Translate(new DmaRequest(Sid, Iova | 0x40, access, pasid: Pasid, privileged: privileged), rootPointer);

            Assert.Equal(fault, actual.Fault);
            seen.Add(fault);
            Assert.Equal(output, actual.Fault == FaultReason.None ? actual.OutputAddress : 0);
            Assert.Equal(twin.Snapshot(), model.Snapshot());
        }
    }

    // Five first-level tables' worth of guest pages: a 4-level path for Iova whose entries carry flBits (a PS bit at
    // levels 2-3 makes a large leaf), each table page and the output page mapped at the second level with slRights.
    private static Nest Random(ulong[] flBits, int[] slRights, out ulong root)
    {
        var nest = new Nest(2);
        root = nest.NewTable((DmaAccess)slRights[0]);
        ulong table = root;
        for (int level = 4; level >= 1; level--)
        {
            ulong bits = flBits[4 - level];
            bool leaf = level == 1 || (level <= 3 && (bits & 0x80) != 0);
            if (leaf)
            {
                ulong size = 1UL << (12 + (9 * (level - 1)));
                ulong page = OutputGpa & ~(size - 1);
                nest.WriteFl(table, level, Iova, page | bits);
                nest.Builder.Map(nest.SlRoot, nest.SlLevels, (page | (Iova & (size - 1))) & ~0xFFFUL, 0x3000_0000, 0x1000, (DmaAccess)slRights[4]);
                break;
            }

            ulong next = nest.NewTable((DmaAccess)slRights[5 - level]);
            nest.WriteFl(table, level, Iova, next | (bits & ~0x80UL));
            table = next;
        }

        return nest;
    }

    /// <summary>
    /// One nested device: second-level tables at SlRoot (built by the TableBuilder, host physical) mapping the guest-physical
    /// pages of the first-level tables, which live in guest-physical space from 4 GiB up.
    /// </summary>
    private sealed class Nest(int slAw)
    {
        private readonly Dictionary<ulong, ulong> _hostOf = [];
        private ulong _nextGpa = 0x1_0000_0000;

        public TableBuilder Builder { get; } = new();

        public int SlLevels => slAw + 2;

        public ulong SlRoot { get; } = 0x10_0000; // the builder's first page

        public ulong NewTable(DmaAccess slRights)
        {
            if (_hostOf.Count == 0)
            {
                Assert.Equal(SlRoot, Builder.AllocatePage());
            }

            ulong gpa = _nextGpa;
            _nextGpa += 0x1000;
            ulong hpa = Builder.AllocatePage();
            _hostOf[gpa] = hpa;
            if (slRights != DmaAccess.None)
            {
                Builder.Map(SlRoot, SlLevels, gpa, hpa, 0x1000, slRights);
            }
            else
            {
                Builder.Map(SlRoot, SlLevels, gpa, hpa, 0x1000, DmaAccess.Read);
                Builder.Write64(Builder.PathEntry(SlRoot, SlLevels, gpa, 1), 0); // the table's page is not present
            }

            return gpa;
        }

        public ulong Host(ulong gpa) => _hostOf[gpa & ~0xFFFUL] | (gpa & 0xFFF);

        public void WriteFl(ulong tableGpa, int level, ulong iova, ulong entry) => Builder.Write64(Host(TableBuilder.EntryAddress(tableGpa, level, iova)), entry);

        public (ulong Root, ulong[] GuestSlots) Path(ulong iova, ulong outputGpa, ulong hpa)
        {
            ulong root = NewTable(DmaAccess.ReadWrite);
            ulong table = root;
            List<ulong> slots = [];
            for (int level = 4; level >= 1; level--)
            {
                slots.Add(TableBuilder.EntryAddress(table, level, iova));
                ulong next = level == 1 ? outputGpa : NewTable(DmaAccess.ReadWrite);
                WriteFl(table, level, iova, next | Open);
                table = next;
            }

            Builder.Map(SlRoot, SlLevels, outputGpa, hpa, 0x1000, DmaAccess.ReadWrite);
            return (root, [.. slots]);
        }

        public byte[] Snapshot()
        {
            byte[] bytes = new byte[0x4_0000];
            Assert.True(Builder.Memory.TryRead(SlRoot, bytes));
            return bytes;
        }

        // The snapshot with every first-level table page blanked: what the second level's tables (and the rest) hold.
        public byte[] SecondLevelSnapshot()
        {
            byte[] bytes = Snapshot();
            foreach (ulong hpa in _hostOf.Values)
            {
                Array.Clear(bytes, (int)(hpa - SlRoot), 0x1000);
            }

            return bytes;
        }

        public (Translator Translator, RootPointer Root) Device(ulong flptptr, ulong ecap, TranslationCacheOptions caches, ulong? slptptr = null, bool slade = false)
        {
            var entry = PasidEntry.Create(Did, PasidGranularTranslationType.Nested, slptptr ?? SlRoot, slAw);
            ScalableTables tables = Builder.Scalable(Sid, Pasid, entry);
            // FLPTPTR (191:140) and SRE (128): supervisor requests are allowed, the rules of first-level.md §2 apply.
            Builder.Write64(tables.PasidEntry + 16, (flptptr & ~0xFFFUL) | 1);
            if (slade)
            {
                Builder.Write64(tables.PasidEntry, Builder.Read64(tables.PasidEntry) | (1UL << 9));
            }

            var translator = new Translator(Builder.Memory, TestParameters.Create(ecap: ecap | Srs), new TranslationCaches(caches));
            return (translator, RootPointer.Scalable(tables.RootTable));
        }
    }
}
