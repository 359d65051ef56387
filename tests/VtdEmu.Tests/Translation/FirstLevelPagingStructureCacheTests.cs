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
/// First-level paging-structure caching (VT-d spec §6.2.4, spec-notes/first-level.md §6): a walk below a cached
/// entry reads only the tables under it, keeps the rights accumulated above it, stays stale until a PASID-based
/// IOTLB invalidation with IH=0 (or PASID-selective) names it, and is tagged by (DID, PASID); and a property
/// comparing the cached pipeline with <see cref="ReferenceFirstLevelWalker"/> — results and every A/D change —
/// over random tables, requests and correctly invalidated edits.
/// </summary>
public sealed class FirstLevelPagingStructureCacheTests
{
    private const ushort Sid = 0x0310;
    private const ushort Did = 7;
    private const uint Pasid = 0x21;
    private const ulong Iova = 0x12_3440_0000; // 2 MiB aligned, so +0x1000 shares the PDE
    private const ulong P = 1, Rw = 2, Us = 4, Open = P | Rw | Us, Xd = 1UL << 63, Srs = 1UL << 31, Ers = 1UL << 30;

    [Fact]
    public void Walk_NextToACachedPath_ReadsOnlyTheTablesBelowTheDeepestCachedEntry()
    {
        var rig = new Rig();
        ulong root = rig.TwoPages(Open, Open, Open, Open);
        rig.Path(Iova + 0x4000_0000, 0x4010_0000, Open, Open, Open, Open, root);
        (Translator translator, RootPointer pointer, _) = rig.Device(root);

        Assert.Equal(FaultReason.None, translator.Translate(Read(Iova), pointer).Fault);
        TranslationResult neighbour = translator.Translate(Read(Iova + 0x1000), pointer); // PDE cached: the PT only
        Assert.Equal(1, neighbour.TableReads);
        Assert.Equal(0x4000_1000UL, neighbour.OutputAddress);
        TranslationResult farther = translator.Translate(Read(Iova + 0x4000_0000), pointer); // PML4E cached: PDPT, PD, PT
        Assert.Equal(3, farther.TableReads);
        Assert.Equal(0x4010_0000UL, farther.OutputAddress);
    }

    [Fact]
    public void EditedPde_StaysStaleUntilAPasidInvalidationWithoutIh()
    {
        var rig = new Rig();
        ulong root = rig.TwoPages(Open, Open, Open, Open);
        (Translator translator, RootPointer pointer, TranslationCaches caches) = rig.Device(root);
        Assert.Equal(FaultReason.None, translator.Translate(Read(Iova), pointer).Fault);

        // Software points the PDE at a new page table mapping Iova + 0x1000 elsewhere.
        ulong table = rig.Builder.AllocatePage();
        rig.Builder.Write64(TableBuilder.EntryAddress(table, 1, Iova + 0x1000), 0x5000_1000 | Open);
        rig.Builder.Write64(rig.Slot(root, Iova, 2), table | Open);

        Assert.Equal(0x4000_1000UL, translator.Translate(Read(Iova + 0x1000), pointer).OutputAddress);
        caches.InvalidatePasidIotlbPages(Did, Pasid, Iova, am: 9, invalidationHint: true); // "only leaves changed": the PDE stays
        Assert.Equal(0x4000_1000UL, translator.Translate(Read(Iova + 0x1000), pointer).OutputAddress);
        caches.InvalidatePasidIotlbPages(Did, Pasid, Iova + 0x1000, am: 0, invalidationHint: false); // overlaps the PDE's 2 MiB
        Assert.Equal(0x5000_1000UL, translator.Translate(Read(Iova + 0x1000), pointer).OutputAddress);
    }

    [Fact]
    public void CachedEntries_AreTaggedByPasid_AndOnlyPasidOrGlobalInvalidationRemovesThem()
    {
        var rig = new Rig();
        ulong root = rig.TwoPages(Open, Open, Open, Open);
        (Translator translator, RootPointer pointer, TranslationCaches caches) = rig.Device(root);
        translator.Translate(Read(Iova), pointer);

        caches.InvalidatePasidIotlb(Did, Pasid + 1);   // another PASID of the DID
        caches.InvalidateIotlbDomain(Did);             // second-level scope: first-level entries need p_iotlb
        Assert.Equal(1, translator.Translate(Read(Iova + 0x1000), pointer).TableReads);

        caches.InvalidatePasidIotlb(Did, Pasid);
        Assert.Equal(4, translator.Translate(Read(Iova + 0x1000), pointer).TableReads);
        caches.InvalidateIotlbGlobal();
        Assert.Equal(4, translator.Translate(Read(Iova + 0x1000), pointer).TableReads);
    }

    [Fact]
    public void WalkBelowACachedEntry_KeepsTheRightsOfTheEntriesAboveIt()
    {
        var rig = new Rig();
        // PDPE execute-disabled, PDE read-only; the next page's PTE grants everything.
        ulong root = rig.TwoPages(Open, Open | Xd, P | Us, Open);
        (Translator translator, RootPointer pointer, _) = rig.Device(root);
        Assert.Equal(FaultReason.None, translator.Translate(Read(Iova), pointer).Fault);

        ulong next = Iova + 0x1000;
        Assert.Equal(FaultReason.ScalableWriteDenied, translator.Translate(Read(next, write: true), pointer).Fault);
        Assert.Equal(FaultReason.ExecuteDenied, translator.Translate(Read(next, execute: true), pointer).Fault);
        TranslationResult read = translator.Translate(Read(next), pointer);
        Assert.Equal((FaultReason.None, 1, false), (read.Fault, read.TableReads, read.Write));
    }

    [Fact]
    public void SupervisorOnlyUpperEntry_StillDeniesUserRequestsBelowTheCachedEntry()
    {
        var rig = new Rig();
        ulong root = rig.TwoPages(P | Rw, Open, Open, Open);
        (Translator translator, RootPointer pointer, _) = rig.Device(root);
        Assert.Equal(FaultReason.None, translator.Translate(Read(Iova, privileged: true), pointer).Fault);

        TranslationResult user = translator.Translate(Read(Iova + 0x1000), pointer);
        Assert.Equal((FaultReason.UserAccessDenied, 1), (user.Fault, user.TableReads));
    }

    /// <summary>
    /// Random four-level tables for four IOVAs sharing upper entries; random requests (user/supervisor, read/write,
    /// execute) and random edits of any entry, each followed by the invalidation a correct driver issues. The cached
    /// pipeline must give the reference walker's result and leave memory exactly as the reference's A/D updates do.
    /// </summary>
    [Fact]
    public void Property_RandomTablesRequestsAndInvalidatedEdits_CachedPipelineMatchesReference()
    {
        Gen<ulong> bits = Gen.Select(Gen.Int[0, 9], Gen.Bool, Gen.Int[0, 4], Gen.Int[0, 5], Gen.Bool, Gen.Bool, Gen.Int[0, 9])
            .Select((p, rw, us, ps, a, d, xd) => (p > 0 ? P : 0) | (rw ? Rw : 0) | (us > 0 ? Us : 0) | (ps == 0 ? 0x80UL : 0)
                | (a ? 0x20UL : 0) | (d ? 0x40UL : 0) | (xd == 0 ? Xd : 0));
        var seen = new HashSet<FaultReason>();
        int cachedStarts = 0;
        Gen.Select(bits.Array[16], Gen.Int[0, 63].Array[24], bits.Array[24])
            .Sample((entryBits, steps, edits) => cachedStarts += Check(entryBits, steps, edits, seen), iter: 200, threads: 1);

        Assert.Contains(FaultReason.None, seen);
        Assert.Contains(FaultReason.UserAccessDenied, seen);
        Assert.Contains(FaultReason.FirstLevelEntryNotPresent, seen);
        Assert.True(cachedStarts > 0, "no walk started below a cached entry");
    }

    private static readonly ulong[] Iovas = [Iova, Iova + 0x1000, Iova + 0x20_0000, Iova + 0x4000_0000];

    private static int Check(ulong[] entryBits, int[] steps, ulong[] edits, HashSet<FaultReason> seen)
    {
        var model = new Rig();
        var twin = new Rig();
        ulong root = Build(model, entryBits);
        Build(twin, entryBits);
        (Translator translator, RootPointer pointer, TranslationCaches caches) = model.Device(root);
        twin.Device(root); // the same root, context and PASID tables in the twin
        int cachedStarts = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            int step = steps[i];
            ulong iova = Iovas[step & 3] | 0x40;
            if ((step & 0x30) == 0x30)
            {
                // Edit the entry at a random level of this IOVA's path in both memories, then invalidate.
                int level = 1 + ((step >> 2) & 3);
                ulong slot = model.Slot(root, iova, level);
                if (slot == 0)
                {
                    continue; // the path ends above that level
                }

                ulong value = (model.Builder.Read64(slot) & 0x000F_FFFF_FFFF_F000) | edits[i];
                model.Builder.Write64(slot, value);
                twin.Builder.Write64(slot, value);
                if (level == 1)
                {
                    caches.InvalidatePasidIotlbPages(Did, Pasid, iova & ~0xFFFUL, am: 0, invalidationHint: true);
                }
                else if ((step & 4) == 0)
                {
                    caches.InvalidatePasidIotlb(Did, Pasid);
                }
                else
                {
                    int am = 9 * (level - 1);
                    caches.InvalidatePasidIotlbPages(Did, Pasid, iova & ~((1UL << (12 + am)) - 1), am, invalidationHint: false);
                }

                continue;
            }

            bool write = (step & 4) != 0, privileged = (step & 8) != 0, execute = (step & 0x10) != 0 && (step & 0x20) == 0;
            ReferenceFirstLevelWalker.Outcome expected = ReferenceFirstLevelWalker.Translate(
                twin.Builder.Memory, root, 4, TestParameters.Haw, oneGiB: true, iova, write, privileged, execute, wpe: false);
            foreach ((ulong address, ulong value) in expected.Updates)
            {
                twin.Builder.Write64(address, value);
            }

            TranslationResult actual = translator.Translate(
                new DmaRequest(Sid, iova, write ? DmaAccess.Write : DmaAccess.Read, pasid: Pasid, privileged: privileged, execute: execute), pointer);
            Assert.Equal(expected.Fault, actual.Fault);
            Assert.Equal(expected.Output, actual.Fault == FaultReason.None ? actual.OutputAddress : 0);
            Assert.Equal(twin.Snapshot(), model.Snapshot());
            seen.Add(expected.Fault);
            cachedStarts += actual.TableReads is > 0 and < 4 ? 1 : 0;
        }

        return cachedStarts;
    }

    // The four IOVAs' paths from entryBits (4 per IOVA, top first); a PS bit at level 2 or 3 makes a leaf there.
    private static ulong Build(Rig rig, ulong[] entryBits)
    {
        ulong root = rig.Builder.AllocatePage();
        for (int k = 0; k < Iovas.Length; k++)
        {
            ulong table = root;
            for (int level = 4; level >= 1; level--)
            {
                ulong at = TableBuilder.EntryAddress(table, level, Iovas[k]);
                ulong existing = rig.Builder.Read64(at);
                ulong entryBit = entryBits[(4 * k) + (4 - level)];
                bool leaf = level == 1 || (level <= 3 && (entryBit & 0x80) != 0);
                if (existing != 0 && (existing & 0x80) == 0 && level > 1)
                {
                    table = existing & 0x000F_FFFF_FFFF_F000; // shared with an earlier IOVA's path
                    continue;
                }

                if (existing != 0)
                {
                    break;
                }

                if (leaf)
                {
                    ulong size = 1UL << (12 + (9 * (level - 1)));
                    rig.Builder.Write64(at, ((0x4000_0000UL + ((ulong)k << 30)) & ~(size - 1)) | entryBit);
                    break;
                }

                ulong next = rig.Builder.AllocatePage();
                rig.Builder.Write64(at, next | (entryBit & ~0x80UL));
                table = next;
            }
        }

        return root;
    }

    private static DmaRequest Read(ulong iova, bool privileged = false, bool execute = false, bool write = false) =>
        new(Sid, iova, write ? DmaAccess.Write : DmaAccess.Read, pasid: Pasid, privileged: privileged, execute: execute);

    private sealed class Rig
    {
        public TableBuilder Builder { get; } = new();

        // Writes a 4 KiB path for iova → output with the given entry bits (PML4E first), under root or a new root.
        public ulong Path(ulong iova, ulong output, ulong pml4e, ulong pdpe, ulong pde, ulong pte, ulong root = 0)
        {
            root = root == 0 ? Builder.AllocatePage() : root;
            ulong table = root;
            ulong[] bits = [pml4e, pdpe, pde, pte];
            for (int level = 4; level >= 1; level--)
            {
                ulong at = TableBuilder.EntryAddress(table, level, iova);
                ulong existing = Builder.Read64(at);
                ulong next = level == 1 ? output : existing != 0 ? existing & 0x000F_FFFF_FFFF_F000 : Builder.AllocatePage();
                Builder.Write64(at, next | bits[4 - level]);
                table = next;
            }

            return root;
        }

        // Iova → 0x4000_0000 and Iova + 0x1000 → 0x4000_1000 under one PDE, every entry of both paths with the
        // given bits; returns the root.
        public ulong TwoPages(ulong pml4e, ulong pdpe, ulong pde, ulong pte)
        {
            ulong root = Path(Iova, 0x4000_0000, pml4e, pdpe, pde, pte);
            Path(Iova + 0x1000, 0x4000_1000, pml4e, pdpe, pde, pte, root);
            return root;
        }

        // The address of the entry at level for iova, or 0 when the path ends (not present or a leaf) above it.
        public ulong Slot(ulong root, ulong iova, int level)
        {
            ulong table = root;
            for (int l = 4; l > level; l--)
            {
                // An edit may turn a leaf into a table pointer to an output page outside RAM.
                if (!Builder.Memory.TryRead64(TableBuilder.EntryAddress(table, l, iova), out ulong entry) || (entry & P) == 0 || (l <= 3 && (entry & 0x80) != 0))
                {
                    return 0;
                }

                table = entry & 0x000F_FFFF_FFFF_F000;
            }

            ulong slot = TableBuilder.EntryAddress(table, level, iova);
            return Builder.Memory.TryRead64(slot, out _) ? slot : 0;
        }

        public byte[] Snapshot()
        {
            byte[] bytes = new byte[0x2_0000];
            Assert.True(Builder.Memory.TryRead(0x10_0000, bytes));
            return bytes;
        }

        public (Translator Translator, RootPointer Root, TranslationCaches Caches) Device(ulong flptptr)
        {
            ScalableTables tables = Builder.Scalable(Sid, Pasid, PasidEntry.Create(Did, PasidGranularTranslationType.FirstLevel, 0, aw: 2));
            Builder.Write64(tables.PasidEntry + 16, flptptr | 3); // FLPTPTR (191:140), SRE (128), ERE (129)
            var caches = new TranslationCaches(new TranslationCacheOptions());
            var translator = new Translator(
                Builder.Memory, TestParameters.Create(cap: TestParameters.Cap() | (1UL << 56), ecap: TestParameters.DefaultEcap | TestParameters.FLTS | Srs | Ers), caches);
            return (translator, RootPointer.Scalable(tables.RootTable), caches);
        }
    }
}
