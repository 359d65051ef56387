using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorCacheTests
{
    private const int Regions = 3;                 // 2 MiB regions used: region 0 starts mapped, 1 and 2 not present
    private const int PagesPerRegion = 512;
    private const ulong FrameBase = 0x100_0000;    // 16 MiB: output frames live above the tables
    private const ulong LargeFrameBase = 0x2000_0000;

    /// <summary>
    /// Random maps, remaps, unmaps, 2 MiB promotions and demotions and reserved-bit corruption of one
    /// domain's second-level tables, each followed by exactly the invalidation the spec requires
    /// (spec-notes/caching.md "What software must invalidate": changed or removed leaf → page-selective IH=1; non-leaf
    /// removed or replaced → page-selective IH=0 over the region; not-present → present needs nothing with CM=0 and a
    /// page-selective IH=0 with CM=1). After every step, translating through the caches gives exactly what a unit
    /// without caches gives on the same memory, fault for fault.
    /// </summary>
    [Theory]
    [InlineData(false, "small")]
    [InlineData(true, "small")]
    [InlineData(false, "default")]
    [InlineData(true, "default")]
    public void Translate_RandomEditsWithRequiredInvalidations_MatchesUncachedUnit(bool cachingMode, string geometry)
    {
        TranslationCacheOptions options = geometry == "small"
            ? new TranslationCacheOptions
            {
                ContextCache = new CacheGeometry(2, 1),
                Iotlb = new CacheGeometry(16, 4),
                IotlbLargePages = new CacheGeometry(2, 2, ReplacementPolicy.TreePlru),
                PagingStructureCache = new CacheGeometry(4, 2, ReplacementPolicy.Random),
            }
            : new TranslationCacheOptions();
        var faultsSeen = new HashSet<FaultReason>();
        long hits = 0;
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var pcg = new PCG(17, seed);
            var memory = new GuestMemory(new MemoryRange(0, 0x4000_0000));
            var cached = new Rig(cachingMode: cachingMode, caches: options, memory: memory);
            var reference = new Rig(cachingMode: cachingMode, caches: Rig.NoCaches, memory: memory);
            ulong root = cached.LegacyDevice(Sid, Did, (0, FrameBase));
            reference.Enable(cached.Unit.Read((ulong)VtdRegister.RTADDR, 8));
            var editor = new PageTableEditor(cached, root, cachingMode);

            for (int step = 0; step < 120; step++)
            {
                editor.RandomEdit(pcg);
                for (int probe = 0; probe < 4; probe++)
                {
                    ulong iova = ((ulong)pcg.Next(Regions * PagesPerRegion) << 12) | pcg.Next(0x1000);
                    var request = new DmaRequest(Sid, iova, (DmaAccess)(1 + pcg.Next(3)));
                    TranslationResult expected = reference.Unit.Translate(request);
                    TranslationResult actual = cached.Unit.Translate(request);
                    Assert.True(Same(expected, actual), $"seed {seed} step {step} {request}: expected {expected}, got {actual}");
                    faultsSeen.Add(actual.Fault);
                }
            }

            hits += cached.Statistics.IotlbHits;
        }

        // The property must not hold vacuously: the caches answered, and faults of several kinds came up.
        Assert.True(hits > 1000, $"only {hits} IOTLB hits");
        Assert.Contains(FaultReason.None, faultsSeen);
        Assert.Contains(FaultReason.PagingEntryReserved, faultsSeen);
        Assert.True(faultsSeen.Count >= 4, string.Join(", ", faultsSeen));
    }

    private static bool Same(in TranslationResult a, in TranslationResult b) =>
        (a.Fault, a.Suppressed, a.Aborted, a.OutputAddress, a.PageShift, a.Read, a.Write, a.Did)
        == (b.Fault, b.Suppressed, b.Aborted, b.OutputAddress, b.PageShift, b.Read, b.Write, b.Did);

    /// <summary>Edits one domain's 3-level tables in place and issues the invalidation each edit requires.</summary>
    private sealed class PageTableEditor(Rig rig, ulong root, bool cachingMode)
    {
        private const ulong ReservedTm = 1UL << 62;

        public void RandomEdit(PCG pcg)
        {
            int region = (int)pcg.Next(Regions);
            ulong page = ((ulong)region << 21) | ((ulong)pcg.Next(PagesPerRegion) << 12);
            var rights = (DmaAccess)(1 + pcg.Next(3));
            switch (pcg.Next(10))
            {
                case < 5:
                    MapPage(page, FrameBase + ((ulong)pcg.Next(4096) << 12), rights, reserved: false);
                    break;
                case 5:
                    MapPage(page, FrameBase, rights, reserved: true);
                    break;
                case 6 or 7:
                    UnmapPage(page);
                    break;
                case 8:
                    MapLarge(region, LargeFrameBase + ((ulong)pcg.Next(64) << 21), rights);
                    break;
                default:
                    UnmapRegion(region);
                    break;
            }
        }

        private ulong PdeAddress(int region) => rig.Tables.PathEntry(root, Levels, (ulong)region << 21, 2);

        private void MapPage(ulong page, ulong hpa, DmaAccess rights, bool reserved)
        {
            int region = (int)(page >> 21);
            ulong pdeAddress = PdeAddress(region);
            ulong pde = rig.Tables.Read64(pdeAddress);
            bool regionInvalidated = false;
            if ((pde & 3) == 0 || (pde & (1UL << 7)) != 0)
            {
                // Not present or a 2 MiB leaf: give the region a fresh page table.
                bool wasPresent = (pde & 3) != 0;
                rig.Tables.Write64(pdeAddress, SecondLevelPageTableEntry.Create(rig.Tables.AllocatePage(), read: true, write: true).Raw);
                if (wasPresent || cachingMode)
                {
                    rig.Caches.InvalidateIotlbPages(Did, (ulong)region << 21, 9, invalidationHint: !wasPresent);
                    regionInvalidated = true;
                }
            }

            ulong pteAddress = rig.Tables.PathEntry(root, Levels, page, 1);
            bool pteWasPresent = (rig.Tables.Read64(pteAddress) & 3) != 0;
            ulong pte = SecondLevelPageTableEntry.Create(hpa, (rights & DmaAccess.Read) != 0, (rights & DmaAccess.Write) != 0).Raw;
            rig.Tables.Write64(pteAddress, reserved ? pte | ReservedTm : pte);
            if (!regionInvalidated && (pteWasPresent || cachingMode))
            {
                // Changed leaf: IH=1 (no table freed). New mapping under CM=1: IH=0, as Linux does.
                rig.Caches.InvalidateIotlbPages(Did, page, 0, invalidationHint: pteWasPresent);
            }
        }

        private void UnmapPage(ulong page)
        {
            ulong pde = rig.Tables.Read64(PdeAddress((int)(page >> 21)));
            if ((pde & 3) == 0 || (pde & (1UL << 7)) != 0)
            {
                return;
            }

            ulong pteAddress = rig.Tables.PathEntry(root, Levels, page, 1);
            if ((rig.Tables.Read64(pteAddress) & 3) != 0)
            {
                rig.Tables.Write64(pteAddress, 0);
                rig.Caches.InvalidateIotlbPages(Did, page, 0, invalidationHint: true);
            }
        }

        private void MapLarge(int region, ulong hpa, DmaAccess rights)
        {
            ulong pdeAddress = PdeAddress(region);
            ulong old = rig.Tables.Read64(pdeAddress);
            rig.Tables.Write64(pdeAddress, SecondLevelPageTableEntry.Create(hpa, (rights & DmaAccess.Read) != 0, (rights & DmaAccess.Write) != 0, pageSize: true).Raw);
            bool present = (old & 3) != 0;
            if (present || cachingMode)
            {
                // A freed page table (non-leaf replaced) needs IH=0; a changed 2 MiB leaf only IH=1.
                bool tableFreed = present && (old & (1UL << 7)) == 0;
                rig.Caches.InvalidateIotlbPages(Did, (ulong)region << 21, 9, invalidationHint: present && !tableFreed);
            }
        }

        private void UnmapRegion(int region)
        {
            ulong pdeAddress = PdeAddress(region);
            ulong old = rig.Tables.Read64(pdeAddress);
            if ((old & 3) != 0)
            {
                rig.Tables.Write64(pdeAddress, 0);
                rig.Caches.InvalidateIotlbPages(Did, (ulong)region << 21, 9, invalidationHint: (old & (1UL << 7)) != 0);
            }
        }
    }
}
