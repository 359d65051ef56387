using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// What a cache hit must still check or carry (issue 11 item 8: each test here fails against one deliberate bug in
/// the cached path that no other test caught): the interrupt-range check on an IOTLB hit, the rights accumulated above
/// a paging-structure-cache hit, the legacy-mode PASID fault with the context cached, and the request type of a
/// read-write (atomic) DMA in its fault record.
/// </summary>
public sealed partial class TranslatorCacheTests
{
    private const ulong InterruptWindow = 0xFEE0_0000;

    [Fact]
    public void Translate_IotlbHitOnLeafInInterruptRange_FaultsLikeTheWalk()
    {
        // VT-d spec §3.14: an output address in 0xFEEx_xxxx blocks the request; the leaf itself is valid and cached.
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, InterruptWindow));

        TranslationResult walked = rig.Write(Iova);
        TranslationResult hit = rig.Write(Iova);

        Assert.Equal(FaultReason.OutputInInterruptRange, walked.Fault);
        Assert.Equal(FaultReason.OutputInInterruptRange, hit.Fault);
        Assert.Equal((1L, 1L), (rig.Statistics.Walks, rig.Statistics.IotlbHits));
    }

    [Fact]
    public void Translate_PagingStructureCacheHit_KeepsTheRightsOfTheLevelsAbove()
    {
        // The level-3 entry grants read only; its leaf below grants read and write. A write is denied by the walk
        // (§3.6: rights are the AND over every level), and must be denied as well when the walk starts from a cached
        // level-2 or level-1 table instead of SLPTPTR.
        const ulong Neighbour = Iova + Page;
        var rig = new Rig();
        LegacyTables tables = rig.LegacyTables(Sid, Did, (Iova, OldHpa), (Neighbour, NewHpa));
        ulong root = new ContextEntryView(rig.Tables, tables.ContextEntry).SecondLevelRoot;
        ulong top = rig.Tables.PathEntry(root, Levels, Iova, Levels);
        Assert.True(rig.Tables.Memory.TryRead64(top, out ulong entry));
        rig.Tables.Write64(top, entry & ~2UL);

        Assert.Equal(FaultReason.None, rig.Read(Iova).Fault);          // fills the paging-structure cache
        TranslationResult write = rig.Write(Neighbour);                 // IOTLB miss, paging-structure-cache hit

        Assert.True(rig.Statistics.PagingStructureCacheHits > 0);
        Assert.Equal(FaultReason.WriteDenied, write.Fault);
        var uncached = new Rig(caches: Rig.NoCaches, memory: rig.Tables.Memory);
        uncached.Enable(tables.RootTable);
        Assert.Equal(FaultReason.WriteDenied, uncached.Write(Neighbour).Fault);
    }

    [Fact]
    public void Translate_PasidRequestInLegacyMode_SameFaultWhetherOrNotTheContextIsCached()
    {
        // §3.4.2 / spec-notes/faults.md: a request with a PASID prefix to a legacy-mode table is blocked with 0x31.
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        var pasidRequest = new DmaRequest(Sid, Iova, DmaAccess.Read, pasid: 1);

        FaultReason cold = rig.Unit.Translate(pasidRequest).Fault;
        Assert.Equal(FaultReason.None, rig.Read(Iova).Fault);            // context (and leaf) now cached
        FaultReason warm = rig.Unit.Translate(pasidRequest).Fault;

        Assert.Equal((FaultReason.PasidRequestInLegacyMode, FaultReason.PasidRequestInLegacyMode), (cold, warm));
    }

    [Theory]
    [InlineData(DmaAccess.Read, FaultRequestType.Read)]
    [InlineData(DmaAccess.Write, FaultRequestType.Write)]
    [InlineData(DmaAccess.ReadWrite, FaultRequestType.AtomicOp)]
    public void Translate_FaultOnIotlbHit_RecordsTheRequestType(DmaAccess access, FaultRequestType expected)
    {
        // FRCD T1/T2 (§11.4.14): the type of the faulting request, also when the leaf came from the IOTLB. One page
        // read-only, one write-only, each warmed by an access it allows; then the request that one of them denies.
        var rig = new Rig();
        const ulong WriteOnly = Iova + Page;
        ulong slRoot = rig.Tables.SecondLevel(Levels, (Iova, OldHpa, Page, DmaAccess.Read), (WriteOnly, NewHpa, Page, DmaAccess.Write));
        rig.Enable(rig.Tables.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, Aw)).RootTable);
        Assert.Equal((FaultReason.None, FaultReason.None), (rig.Read(Iova).Fault, rig.Write(WriteOnly).Fault));

        ulong target = access == DmaAccess.Read ? WriteOnly : Iova;
        Assert.NotEqual(FaultReason.None, rig.Unit.Translate(new DmaRequest(Sid, target, access)).Fault);

        ulong frcd = (ulong)rig.Unit.Configuration.Capability.FaultRecordingOffset;
        var record = new FaultRecordingRegister(rig.Unit.Read(frcd, 8), rig.Unit.Read(frcd + 8, 8));
        Assert.Equal((true, expected, 1L), (record.F, record.RequestType, rig.Statistics.IotlbHits));
    }
}
