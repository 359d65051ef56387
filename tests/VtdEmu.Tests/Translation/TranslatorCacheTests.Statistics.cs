using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorCacheTests
{
    /// <summary>
    /// Eight pages of one 2 MiB region, each translated ten times: the working set fits every cache,
    /// so only compulsory misses occur. Reads: root + context once, a full 3-level walk for the first
    /// page, then one PTE read per other page (the cached PDE starts their walks at level 1).
    /// </summary>
    [Fact]
    public void Statistics_WorkingSetFitsCaches_OnlyCompulsoryMisses()
    {
        const int Pages = 8;
        const int Rounds = 10;
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, [.. Enumerable.Range(0, Pages).Select(i => (Iova + ((ulong)i << 12), OldHpa + ((ulong)i << 12)))]);

        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < Pages; i++)
            {
                Assert.True(rig.Read(Iova + ((ulong)i << 12)).IsSuccess);
            }
        }

        var expected = new TranslationStatistics(
            Translations: Pages * Rounds,
            Faults: 0,
            Walks: Pages,
            TableReads: 2 + Levels + (Pages - 1),
            IotlbHits: Pages * (Rounds - 1),
            IotlbMisses: Pages,
            ContextCacheHits: (Pages * Rounds) - 1,
            ContextCacheMisses: 1,
            PasidCacheHits: 0,
            PasidCacheMisses: 0,
            PagingStructureCacheHits: Pages - 1,
            PagingStructureCacheMisses: 1);
        Assert.Equal(expected, rig.Statistics);
        Assert.Equal((2.0 + Levels + Pages - 1) / (Pages * Rounds), rig.Statistics.ReadsPerTranslation);
    }

    /// <summary>
    /// A write hitting a cached read-only leaf (the IOTLB-hit fast path's fallback): faults as the walk
    /// would (0x05, recorded), counted as one IOTLB hit and no walk; a read hit still translates.
    /// </summary>
    [Fact]
    public void Statistics_IotlbHitLackingWriteRight_FaultedAndCountedWithoutWalk()
    {
        var rig = new Rig();
        ulong slRoot = rig.Tables.SecondLevel(Levels, [(Iova, OldHpa, Page, DmaAccess.Read)]);
        rig.Enable(rig.Tables.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, Aw)).RootTable);
        Assert.True(rig.Read(Iova).IsSuccess);

        TranslationResult denied = rig.Write(Iova);
        TranslationResult read = rig.Read(Iova + 8);

        Assert.Equal(FaultReason.WriteDenied, denied.Fault);
        Assert.Equal(Did, denied.Did);
        Assert.Equal(0, denied.TableReads);
        Assert.True(rig.FaultRecorded(0));
        Assert.Equal(OldHpa + 8, read.OutputAddress);
        Assert.Equal(Did, read.Did);
        Assert.Equal(3, rig.Statistics.Translations);
        Assert.Equal(1, rig.Statistics.Faults);
        Assert.Equal(1, rig.Statistics.Walks);
        Assert.Equal(2, rig.Statistics.IotlbHits);
        Assert.Equal(2, rig.Statistics.ContextCacheHits);
    }

    [Fact]
    public void Statistics_FaultsAndReset_CountedThenZeroed()
    {
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        rig.Read(Iova + Page);
        rig.Write(Iova + Page);

        Assert.Equal(2, rig.Statistics.Faults);
        Assert.Equal(2, rig.Statistics.Walks); // CM=0: the not-present entry is walked again

        rig.Unit.ResetStatistics();

        Assert.Equal(default, rig.Statistics);
        Assert.Equal(OldHpa, rig.Read(Iova).OutputAddress);
        Assert.Equal(1, rig.Statistics.IotlbMisses); // entries survived the reset only if hit: this page was never cached
    }

    [Fact]
    public void Statistics_PlatformDmaAcrossTwoPages_TwoTranslationsOneWalkEach()
    {
        var platform = new VtdEmu.Platform(UnitConfiguration.Qemu);
        var tables = new TableBuilder(platform.Memory);
        ulong slRoot = tables.SecondLevel(Levels, (Iova, OldHpa, Page, DmaAccess.ReadWrite), (Iova + Page, NewHpa, Page, DmaAccess.ReadWrite));
        ulong rootTable = tables.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, Aw)).RootTable;
        platform.Unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        platform.Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        platform.Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);

        Assert.True(platform.AddDevice(Sid).Write(Iova + 0xFF0, new byte[0x20]).IsCompleted);

        TranslationStatistics statistics = platform.Statistics;
        Assert.Equal(platform.Unit.Statistics, statistics);
        Assert.Equal(2, statistics.Translations);
        Assert.Equal(2, statistics.Walks);
        Assert.Equal(1, statistics.PagingStructureCacheHits);
        Assert.Equal(2 + Levels + 1, statistics.TableReads);

        platform.ResetStatistics();
        Assert.Equal(default, platform.Statistics);
    }
}
