using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// The unit's cached translate path, driven as a driver would: tables in guest RAM, RTADDR / SRTP /
/// TE through MMIO, DMA through <see cref="RemappingUnit.Translate"/>, invalidation through the
/// <see cref="TranslationCaches"/> requests (VT-d spec ch. 6; spec-notes/caching.md).
/// </summary>
public sealed partial class TranslatorCacheTests
{
    private const ushort Sid = 0x0018;       // 00:03.0
    private const ushort OtherSid = 0x0020;  // 00:04.0
    private const ushort Did = 5;
    private const ushort OtherDid = 6;
    private const int Aw = 1;                // QEMU preset: 3-level, 39-bit
    private const int Levels = 3;
    private const ulong Iova = 0x1000;
    private const ulong OldHpa = 0x9000;
    private const ulong NewHpa = 0xA000;
    private const ulong Page = 0x1000;

    public static TheoryData<string> IotlbGranularities => ["page", "domain", "global"];

    public static TheoryData<bool> CachingModes => [false, true];

    [Fact]
    public void Translate_PteChangedWithoutInvalidation_OldTranslationStillUsed()
    {
        var rig = new Rig();
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);

        rig.RemapLeaf(root, Iova, NewHpa);

        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    [Theory]
    [MemberData(nameof(IotlbGranularities))]
    public void Translate_PteChangedThenIotlbInvalidated_NewTranslationUsed(string granularity)
    {
        var rig = new Rig();
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        rig.RemapLeaf(root, Iova, NewHpa);

        int removed = granularity switch
        {
            "page" => rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint: true),
            "domain" => rig.Caches.InvalidateIotlbDomain(Did),
            _ => rig.Caches.InvalidateIotlbGlobal(),
        };

        Assert.NotEqual(0, removed);
        Assert.Equal(NewHpa, rig.Read(Iova).OutputAddress);
    }

    [Theory]
    [MemberData(nameof(IotlbGranularities))]
    public void Translate_PteChangedOtherDomainOrPageInvalidated_OldTranslationStays(string granularity)
    {
        var rig = new Rig();
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        rig.RemapLeaf(root, Iova, NewHpa);

        _ = granularity switch
        {
            "page" => rig.Caches.InvalidateIotlbPages(Did, Iova + Page, 0, invalidationHint: false),
            "domain" => rig.Caches.InvalidateIotlbDomain(OtherDid),
            _ => rig.Caches.InvalidateIotlbPages(OtherDid, Iova, 0, invalidationHint: false),
        };

        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    [Fact]
    public void Translate_IotlbHit_ReadsNoGuestMemory()
    {
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);

        TranslationResult hit = rig.Read(Iova + 0x10);

        Assert.Equal(OldHpa + 0x10, hit.OutputAddress);
        Assert.Equal(0, hit.TableReads);
    }

    [Fact]
    public void Translate_ContextEntryChangedWithoutInvalidation_OldContextStillUsed()
    {
        var rig = new Rig();
        LegacyTables tables = rig.LegacyTables(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        ulong newRoot = rig.Tables.SecondLevel(Levels, (Iova, NewHpa, Page, DmaAccess.ReadWrite));
        rig.Tables.Write(tables.ContextEntry, ContextEntry.Create(OtherDid, TranslationType.UntranslatedOnly, newRoot, Aw));

        // Another device's invalidation and an IOTLB flush of the new DID leave the cached context alone.
        rig.Caches.InvalidateContextDevice(OtherSid, 0, OtherDid);
        rig.Caches.InvalidateIotlbDomain(OtherDid);

        TranslationResult result = rig.Read(Iova);
        Assert.Equal(OldHpa, result.OutputAddress);
        Assert.Equal(Did, result.Did);
    }

    [Theory]
    [InlineData("device")]
    [InlineData("domain")]
    [InlineData("global")]
    public void Translate_ContextEntryChangedThenContextInvalidated_NewContextUsed(string granularity)
    {
        var rig = new Rig();
        LegacyTables tables = rig.LegacyTables(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        ulong newRoot = rig.Tables.SecondLevel(Levels, (Iova, NewHpa, Page, DmaAccess.ReadWrite));
        rig.Tables.Write(tables.ContextEntry, ContextEntry.Create(OtherDid, TranslationType.UntranslatedOnly, newRoot, Aw));

        _ = granularity switch
        {
            "device" => rig.Caches.InvalidateContextDevice(Sid, 0, Did),
            "domain" => rig.Caches.InvalidateContextDomain(Did),
            _ => rig.Caches.InvalidateContextGlobal(),
        };

        TranslationResult result = rig.Read(Iova);
        Assert.Equal(NewHpa, result.OutputAddress);
        Assert.Equal(OtherDid, result.Did);
    }

    [Fact]
    public void Translate_ContextInvalidatedButSameDomain_IotlbStillAnswersUntilIotlbInvalidated()
    {
        // A context-cache invalidation alone leaves the DID's IOTLB entries (spec-notes/caching.md "What software must
        // invalidate").
        var rig = new Rig();
        LegacyTables tables = rig.LegacyTables(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        ulong newRoot = rig.Tables.SecondLevel(Levels, (Iova, NewHpa, Page, DmaAccess.ReadWrite));
        rig.Tables.Write(tables.ContextEntry, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, newRoot, Aw));

        rig.Caches.InvalidateContextDevice(Sid, 0, Did);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);

        rig.Caches.InvalidateIotlbDomain(Did);
        Assert.Equal(NewHpa, rig.Read(Iova).OutputAddress);
    }

    [Theory]
    [MemberData(nameof(CachingModes))]
    public void Translate_ContextMadePresent_VisibleAtOnceOnlyWithoutCachingMode(bool cachingMode)
    {
        var rig = new Rig(cachingMode: cachingMode);
        ulong slRoot = rig.Tables.SecondLevel(Levels, (Iova, OldHpa, Page, DmaAccess.ReadWrite));
        LegacyTables tables = rig.Tables.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, Aw, present: false));
        rig.Enable(tables.RootTable);
        Assert.Equal(FaultReason.ContextEntryNotPresent, rig.Read(Iova).Fault);

        rig.Tables.Write(tables.ContextEntry, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, Aw));

        TranslationResult beforeInvalidation = rig.Read(Iova);
        Assert.Equal(cachingMode ? FaultReason.ContextEntryNotPresent : FaultReason.None, beforeInvalidation.Fault);

        // Linux with CM=1: device-selective context invalidation with DID 0 (spec-notes/caching.md "What software must
        // invalidate").
        rig.Caches.InvalidateContextDevice(Sid, 0, 0);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    [Theory]
    [MemberData(nameof(CachingModes))]
    public void Translate_LeafMadePresent_VisibleAtOnceOnlyWithoutCachingMode(bool cachingMode)
    {
        var rig = new Rig(cachingMode: cachingMode);
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        // Legacy mode has no not-present code: the missing right is reported (LGN.3 for a read).
        Assert.Equal(FaultReason.ReadDenied, rig.Read(Iova + Page).Fault);

        rig.Tables.Map(root, Levels, Iova + Page, NewHpa, Page, DmaAccess.ReadWrite);

        Assert.Equal(cachingMode ? FaultReason.ReadDenied : FaultReason.None, rig.Read(Iova + Page).Fault);
        // A cached not-present entry keeps the access-dependent legacy code.
        Assert.Equal(cachingMode ? FaultReason.WriteDenied : FaultReason.None, rig.Write(Iova + Page).Fault);

        rig.Caches.InvalidateIotlbPages(Did, Iova + Page, 0, invalidationHint: false);
        Assert.Equal(NewHpa, rig.Read(Iova + Page).OutputAddress);
    }

    [Fact]
    public void Translate_CachingModeNotPresentDirectory_WholeRegionFaultsUntilInvalidated()
    {
        // A not-present PDE is cached as a 2 MiB negative entry: a page added under it stays faulting.
        var rig = new Rig(cachingMode: true);
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        const ulong Far = 0x40_0000;
        Assert.Equal(FaultReason.ReadDenied, rig.Read(Far).Fault);

        rig.Tables.Map(root, Levels, Far + Page, NewHpa, Page, DmaAccess.ReadWrite);
        Assert.Equal(FaultReason.ReadDenied, rig.Read(Far + Page).Fault);

        rig.Caches.InvalidateIotlbPages(Did, Far + Page, 0, invalidationHint: false);
        Assert.Equal(NewHpa, rig.Read(Far + Page).OutputAddress);
    }

    [Fact]
    public void Translate_CachingModeReservedLeaf_FaultsUntilInvalidated()
    {
        var rig = new Rig(cachingMode: true);
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        ulong pte = rig.Tables.PathEntry(root, Levels, Iova, 1);
        ulong good = rig.Tables.Read64(pte);
        rig.Tables.Write64(pte, good | (1UL << 62)); // TM: reserved in a leaf without ECAP.DT
        rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint: true);
        Assert.Equal(FaultReason.PagingEntryReserved, rig.Read(Iova).Fault);

        rig.Tables.Write64(pte, good);
        Assert.Equal(FaultReason.PagingEntryReserved, rig.Read(Iova).Fault);

        rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint: true);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    [Fact]
    public void Translate_CachedNegativeEntry_FaultRecordedEachTime()
    {
        // Broadwell records without same-source compression and has 8 FRCDs.
        var rig = new Rig(UnitConfiguration.Broadwell, cachingMode: true, levels: 4, aw: 2);
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(FaultReason.ReadDenied, rig.Read(Iova + Page).Fault);
        }

        Assert.Equal(1, rig.Statistics.Walks); // the first request walked; the others hit the negative entry
        Assert.Equal([true, true, true, false], [.. Enumerable.Range(0, 4).Select(rig.FaultRecorded)]);
    }

    [Fact]
    public void Translate_CachedNegativeEntryUnderFpd_SuppressedEachTime()
    {
        var rig = new Rig(UnitConfiguration.Broadwell, cachingMode: true, levels: 4, aw: 2);
        ulong slRoot = rig.Tables.SecondLevel(4, (Iova, OldHpa, Page, DmaAccess.ReadWrite));
        rig.Enable(rig.Tables.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, 2, fpd: true)).RootTable);

        TranslationResult first = rig.Read(Iova + Page);
        TranslationResult cached = rig.Read(Iova + Page);

        Assert.True(first.Suppressed);
        Assert.True(cached.Suppressed);
        Assert.Equal(0, cached.TableReads);
        Assert.False(rig.FaultRecorded(0));
    }

    [Theory]
    [InlineData(true, OldHpa)]
    [InlineData(false, NewHpa)]
    public void Translate_PageTableFreed_InvalidationHintDecidesWhetherCachedPdeIsUsed(bool invalidationHint, ulong expected)
    {
        // The PDE is repointed at a new page table (the old one "freed"); a page-selective flush with
        // IH=1 keeps the cached PDE, so the walk still goes through the old table (VT-d spec §6.5.1.2;
        // spec-notes/caching.md "What software must invalidate").
        var rig = new Rig();
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        ulong pde = rig.Tables.PathEntry(root, Levels, Iova, 2);
        ulong newTable = rig.Tables.AllocatePage();
        rig.Tables.Write64(TableBuilder.EntryAddress(newTable, 1, Iova), SecondLevelPageTableEntry.Create(NewHpa, read: true, write: true).Raw);
        rig.Tables.Write64(pde, SecondLevelPageTableEntry.Create(newTable, read: true, write: true).Raw);

        rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint);

        Assert.Equal(expected, rig.Read(Iova).OutputAddress);
    }

    [Fact]
    public void Translate_RootPointerLatchedAgainWithoutEsrtps_CachedContextStillUsed()
    {
        // SRTP without CAP.ESRTPS flushes nothing: the old root's cached data stays usable (spec-notes/caching.md "What
        // software must invalidate").
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova);
        ulong slRoot = rig.Tables.SecondLevel(Levels, (Iova, NewHpa, Page, DmaAccess.ReadWrite));
        LegacyTables other = rig.Tables.Legacy(Sid, ContextEntry.Create(OtherDid, TranslationType.UntranslatedOnly, slRoot, Aw));

        rig.Enable(other.RootTable);

        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    [Fact]
    public void Translate_CachesDisabled_EditsVisibleAtOnce()
    {
        var rig = new Rig(caches: Rig.NoCaches);
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);

        rig.RemapLeaf(root, Iova, NewHpa);

        Assert.Equal(NewHpa, rig.Read(Iova).OutputAddress);
        Assert.Equal(2 + Levels, rig.Read(Iova).TableReads);
    }

    [Fact]
    public void Translate_TranslationDisabled_TouchesNoCache()
    {
        var rig = new Rig();

        TranslationResult result = rig.Read(Iova);

        Assert.Equal(Iova, result.OutputAddress);
        Assert.Equal(default, rig.Statistics);
        Assert.Equal(0, rig.Caches.ContextCache.Statistics.Lookups);
    }

    [Fact]
    public void Translate_PasidEntryChanged_OldUntilPasidCacheInvalidated()
    {
        var rig = new Rig(UnitConfiguration.QemuScalable);
        ulong oldRoot = rig.Tables.SecondLevel(Levels, (Iova, OldHpa, Page, DmaAccess.ReadWrite));
        ulong newRoot = rig.Tables.SecondLevel(Levels, (Iova, NewHpa, Page, DmaAccess.ReadWrite));
        ScalableTables tables = rig.Tables.Scalable(Sid, 0, PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, oldRoot, Aw), paside: false);
        rig.Enable(tables.RootTable, scalable: true);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);

        rig.Tables.Write(tables.PasidEntry, PasidEntry.Create(OtherDid, PasidGranularTranslationType.SecondLevel, newRoot, Aw));
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
        rig.Caches.InvalidatePasidCachePasid(OtherDid, 0); // names the new DID: the cached entry (DID 5) stays
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);

        rig.Caches.InvalidatePasidCachePasid(Did, 0);

        TranslationResult result = rig.Read(Iova);
        Assert.Equal(NewHpa, result.OutputAddress);
        Assert.Equal(OtherDid, result.Did);
    }

    [Fact]
    public void Translate_CachingModeNotPresentPasidEntry_RemovedByPasidSelectiveInvalidationOfNewDomain()
    {
        // Linux (CM=1) sets a PASID entry up and flushes the PASID cache with the entry's new DID: a
        // negative entry has no DID of its own, so that request must remove it.
        var rig = new Rig(UnitConfiguration.QemuScalable, cachingMode: true);
        ulong slRoot = rig.Tables.SecondLevel(Levels, (Iova, OldHpa, Page, DmaAccess.ReadWrite));
        var entry = PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, slRoot, Aw);
        ScalableTables tables = rig.Tables.Scalable(Sid, 0, PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, slRoot, Aw, present: false), paside: false);
        rig.Enable(tables.RootTable, scalable: true);
        Assert.Equal(FaultReason.PasidTableEntryNotPresent, rig.Read(Iova).Fault);

        rig.Tables.Write(tables.PasidEntry, entry);
        Assert.Equal(FaultReason.PasidTableEntryNotPresent, rig.Read(Iova).Fault);

        rig.Caches.InvalidatePasidCachePasid(Did, 0);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
    }

    /// <summary>A unit on its own RAM, a table builder over it, and MMIO helpers.</summary>
    private sealed class Rig
    {
        public static readonly TranslationCacheOptions NoCaches = new()
        {
            ContextCache = CacheGeometry.Disabled,
            PasidCache = CacheGeometry.Disabled,
            Iotlb = CacheGeometry.Disabled,
            IotlbLargePages = null,
            PagingStructureCache = CacheGeometry.Disabled,
        };

        private readonly int _levels;
        private readonly int _aw;

        public Rig(UnitConfiguration? configuration = null, bool cachingMode = false, TranslationCacheOptions? caches = null,
            GuestMemory? memory = null, int levels = Levels, int aw = Aw)
        {
            UnitConfiguration preset = configuration ?? UnitConfiguration.Qemu;
            if (cachingMode)
            {
                preset = preset with { Capability = new CapabilityRegister(preset.Capability.Value | (1UL << 7)) };
            }

            Tables = memory is null ? new TableBuilder() : new TableBuilder(memory);
            Unit = new RemappingUnit(Tables.Memory, preset, interruptSink: null, caches);
            _levels = levels;
            _aw = aw;
        }

        public RemappingUnit Unit { get; }

        public TableBuilder Tables { get; }

        public TranslationCaches Caches => Unit.Caches;

        public TranslationStatistics Statistics => Unit.Statistics;

        /// <summary>Tables for one legacy device (mappings of 4 KiB pages, RW), enabled; returns SLPTPTR.</summary>
        public ulong LegacyDevice(ushort sid, ushort did, params (ulong Iova, ulong Hpa)[] pages)
        {
            LegacyTables tables = LegacyTables(sid, did, pages);
            return new ContextEntryView(Tables, tables.ContextEntry).SecondLevelRoot;
        }

        public LegacyTables LegacyTables(ushort sid, ushort did, params (ulong Iova, ulong Hpa)[] pages)
        {
            ulong slRoot = Tables.SecondLevel(_levels, [.. pages.Select(p => (p.Iova, p.Hpa, Page, DmaAccess.ReadWrite))]);
            LegacyTables tables = Tables.Legacy(sid, ContextEntry.Create(did, TranslationType.UntranslatedOnly, slRoot, _aw));
            Enable(tables.RootTable);
            return tables;
        }

        public void RemapLeaf(ulong root, ulong iova, ulong hpa) =>
            Tables.Write64(Tables.PathEntry(root, _levels, iova, 1), SecondLevelPageTableEntry.Create(hpa, read: true, write: true).Raw);

        public void Enable(ulong rootTable, bool scalable = false)
        {
            Unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable | (scalable ? 1UL << 10 : 0));
            Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
            Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
        }

        public TranslationResult Read(ulong iova) => Unit.Translate(DmaRequest.Read(Sid, iova));

        public TranslationResult Write(ulong iova) => Unit.Translate(DmaRequest.Write(Sid, iova));

        public bool FaultRecorded(int index) =>
            (Unit.Read((ulong)(Unit.Configuration.Capability.FaultRecordingOffset + (16 * index) + 8), 8) >> 63) != 0;
    }

    private readonly record struct ContextEntryView(TableBuilder Tables, ulong Address)
    {
        public ulong SecondLevelRoot => new ContextEntry(Tables.Read64(Address), Tables.Read64(Address + 8)).SLPTPTR;
    }
}
