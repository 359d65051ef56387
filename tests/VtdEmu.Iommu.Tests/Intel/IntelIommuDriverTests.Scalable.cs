using VtdEmu.Faults;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// Intel driver in scalable mode (spec-notes/intel-driver.md "Scalable mode", "Invalidation order"): the words it
/// writes into scalable context and PASID-table entries, checked against what Linux 6.1 wrote on QEMU's scalable
/// unit (the recorded boot: context word 0 = PASIDDIRPTR | 0x401, RID_PASID entry word 0 = SLPTPTR | 0x85, word 1 =
/// DID) and against Linux's first-level and pass-through setters; the PASID-cache / PASID-based IOTLB sequences in
/// Linux's order; set_dev_pasid end to end.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void Scalable_SecondLevelUnit_ContextAndRidPasidEntryMatchLinuxBoot()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.QemuScalable, IntelRig.Singleton());
        IntelPagingDomain domain = Assert.IsType<IntelPagingDomain>(rig.Domain("A").Ops);

        (ulong[] ctx, ulong[]? pe) = ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, rig.Dev("A").Bdf.Rid, 0)!.Value;

        Assert.True(rig.Driver.ScalableMode);
        Assert.False(domain.FirstLevel);
        Assert.Equal(0x401UL, ctx[0] & 0xFFF); // PDTS = 2 (512 directory entries), P; no PASIDE / DTE
        Assert.Equal([0UL, 0UL, 0UL], ctx[1..]);
        Assert.NotNull(pe);
        Assert.Equal(domain.Root | 0x85, pe![0]); // AW = 1, PGTT = 010, P
        Assert.Equal((ulong)domain.Did, pe[1]);
        Assert.All(pe[2..], w => Assert.Equal(0UL, w));
    }

    [Fact]
    public void Scalable_FirstLevelUnit_RidPasidEntryIsFirstLevelWithFlpmAndPageWalkSnoop()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.SapphireRapids, IntelRig.Singleton());
        IntelPagingDomain domain = Assert.IsType<IntelPagingDomain>(rig.Domain("A").Ops);

        ulong[] pe = ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, rig.Dev("A").Bdf.Rid, 0)!.Value.PasidEntry!;

        // Linux pasid_pte_config_first_level: AW = 3 (the unit's AGAW), PGTT = 001, P; DID and PWSNP (ECAP.SMPWCS);
        // FLPTPTR and FLPM = 1 (5-level with CAP.FL5LP).
        Assert.True(domain.FirstLevel);
        Assert.Equal(5, domain.Levels);
        Assert.Equal(0x4DUL, pe[0]);
        Assert.Equal(domain.Did | (1UL << 23), pe[1]);
        Assert.Equal(domain.Root | 0x4, pe[2]);
    }

    [Fact]
    public void Scalable_Identity_PassThroughEntryWithDid1()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.QemuScalable, IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        ulong[] pe = ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, rig.Dev("A").Bdf.Rid, 0)!.Value.PasidEntry!;

        Assert.Equal(0x105UL, pe[0]); // AW = 1, PGTT = 100, P
        Assert.Equal(1UL, pe[1]);
    }

    [Theory]
    [InlineData("qemu-sm", "iotlb dsi did=3")]
    [InlineData("qemu-sm-fl", "piotlb all did=3 pasid=0")]
    public void Scalable_Block_ClearsRidPasidThenPasidCacheThenIotlbByTableType(string unit, string iotlb)
    {
        IntelRig rig = IntelRig.Boot(Unit(unit), IntelRig.Singleton());
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        // Linux intel_pasid_tear_down_entry: PASID cache (PASID-selective, old DID), then PASID-based IOTLB for a
        // first-level entry or domain-selective IOTLB for a second-level one. The context entry stays.
        Assert.Equal(["pc pasid did=3 pasid=0", iotlb], rig.Mmio.Invalidations);
        Assert.All(ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, rig.Dev("A").Bdf.Rid, 0)!.Value.PasidEntry!, w => Assert.Equal(0UL, w));
    }

    [Fact]
    public void Scalable_FirstLevelStrictUnmap_PasidBasedPageSelectiveWithIh()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.QemuScalableFirstLevel, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, 2 * Size4K, ReadWrite));
        rig.Mmio.Clear();

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_1000, Size4K));

        Assert.Equal(["piotlb page did=3 pasid=0 addr=0x101000 am=0 ih=1"], rig.Mmio.Invalidations);
    }

    [Fact]
    public void Scalable_FirstLevelMapOnCachingModeUnit_NoInvalidation()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuScalableFirstLevelCachingMode, IntelRig.Singleton());
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x10_0000, 0x0300_0000, Size4K, ReadWrite));

        // First-level not-present entries are never cached, so even CM = 1 needs no flush on map (spec-notes/caching.md
        // "What software must invalidate").
        Assert.Empty(rig.Mmio.Invalidations);
    }

    [Fact]
    public void Scalable_CachingModeAttach_PasidCacheThenPasidIotlbForNewDid()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuScalableCachingMode, IntelRig.Singleton());
        IommuDomain nd = rig.NewDomain("A");
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(nd, rig.Dev("A")));

        // Tear down with the old DID 3 (freed with its last device), then the new entry's pasid_flush_caches with the
        // new domain's DID — the lowest free one, 3 again (the root port holds 2).
        Assert.Equal(["pc pasid did=3 pasid=0", "iotlb dsi did=3", "pc pasid did=3 pasid=0", "piotlb all did=3 pasid=0"], rig.Mmio.Invalidations);
        Assert.Equal((ushort)3, Assert.IsType<IntelPagingDomain>(nd.Ops).Did);
    }

    [Theory]
    [InlineData(IommuAllocFlags.NestParent)]
    [InlineData(IommuAllocFlags.DirtyTracking)]
    public void Scalable_SecondStageFlags_SupportedOnSapphireRapidsRefusedOnQemu(IommuAllocFlags flags)
    {
        IntelRig spr = IntelRig.Boot(UnitConfiguration.SapphireRapids, IntelRig.Singleton());
        IntelRig qemu = IntelRig.Boot(UnitConfiguration.QemuScalable, IntelRig.Singleton());

        Assert.Equal(LinuxError.Success, spr.Core.PagingDomainAlloc(spr.Dev("A"), flags, out IommuDomain? d));
        Assert.Equal(LinuxError.EOPNOTSUPP, qemu.Core.PagingDomainAlloc(qemu.Dev("A"), flags, out _));

        // Both force second-level tables; dirty tracking sets SLADE (bit 9) in the PASID entry.
        IntelPagingDomain domain = Assert.IsType<IntelPagingDomain>(d!.Ops);
        Assert.False(domain.FirstLevel);
        Assert.Equal(LinuxError.Success, spr.Core.AttachDevice(d, spr.Dev("A")));
        ulong w0 = ReferenceDecoder.ScalableWords(spr.Memory, spr.Driver.RootTable, spr.Dev("A").Bdf.Rid, 0)!.Value.PasidEntry![0];
        Assert.Equal(flags == IommuAllocFlags.DirtyTracking, (w0 & (1UL << 9)) != 0);
        Assert.Equal(2, (int)((w0 >> 6) & 7));
    }

    [Fact]
    public void Scalable_SetDevPasid_PasidDmaTranslatesThroughAttachedDomainRidDmaDoesNot()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, maxPasids: 1 << 20);
        IntelRig rig = IntelRig.Boot(TestUnits.QemuScalablePasid, t);
        IommuDevice a = rig.Dev("A");
        IommuDomain pasidDomain = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(pasidDomain, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x10_0000, 0x0400_0000, Size4K, ReadWrite));
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(pasidDomain, a, 5));

        // The context entry sets PASIDE and sizes the directory for 2^20 PASIDs (PDTS = 7); PASID 5's entry names
        // the domain; a CM = 0 unit needs no invalidation for a new entry.
        (ulong[] ctx, ulong[]? pe) = ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, a.Bdf.Rid, 5)!.Value;
        Assert.Equal(0xE09UL, ctx[0] & 0xFFF);
        ushort did = Assert.IsType<IntelPagingDomain>(pasidDomain.Ops).Did;
        Assert.Equal(Assert.IsType<IntelPagingDomain>(pasidDomain.Ops).Root | 0x85, pe![0]);
        Assert.Equal((ulong)did, pe[1]);
        Assert.Empty(rig.Mmio.Invalidations);

        PciEndpoint dev = rig.Endpoint("A");
        Assert.True(dev.Write(0x10_0000, [0xA5], pasid: 5).IsCompleted);
        Assert.True(dev.Write(0x10_0000, [0x5A]).IsCompleted);
        Assert.True(rig.Memory.TryRead64(0x0300_0000, out ulong viaPasid));
        Assert.True(rig.Memory.TryRead64(0x0400_0000, out ulong viaRid));
        Assert.Equal((0xA5UL, 0x5AUL), (viaPasid & 0xFF, viaRid & 0xFF));

        // Detach: the blocked domain tears PASID 5 down (PASID cache, then domain-selective IOTLB for second level).
        rig.Mmio.Clear();
        rig.Core.DetachDevicePasid(pasidDomain, a, 5);
        Assert.Equal([$"pc pasid did={did} pasid=5", $"iotlb dsi did={did}"], rig.Mmio.Invalidations);
        Assert.Equal(FaultReason.PasidTableEntryNotPresent, dev.Write(0x10_0000, [1], pasid: 5).Fault);
        Assert.Equal((ushort)0, Assert.IsType<IntelPagingDomain>(pasidDomain.Ops).Did);
    }

    [Fact]
    public void Scalable_ReplaceDevicePasid_NewEntryThenFlushWithOldDid()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, maxPasids: 64);
        IntelRig rig = IntelRig.Boot(TestUnits.QemuScalablePasid, t);
        IommuDevice a = rig.Dev("A");
        IommuDomain first = rig.NewDomain("A");
        IommuDomain second = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(first, a, 3, handle: "h1"));
        ushort oldDid = Assert.IsType<IntelPagingDomain>(first.Ops).Did;
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.ReplaceDevicePasid(second, a, 3, handle: "h2"));

        // Linux intel_pasid_flush_present: PASID cache and PASID-based IOTLB with the OLD DID; the old DID is freed.
        Assert.Equal([$"pc pasid did={oldDid} pasid=3", $"piotlb all did={oldDid} pasid=3"], rig.Mmio.Invalidations);
        ulong[] pe = ReferenceDecoder.ScalableWords(rig.Memory, rig.Driver.RootTable, a.Bdf.Rid, 3)!.Value.PasidEntry!;
        Assert.Equal((ulong)Assert.IsType<IntelPagingDomain>(second.Ops).Did, pe[1]);
        Assert.Equal((ushort)0, Assert.IsType<IntelPagingDomain>(first.Ops).Did);
    }

    [Fact]
    public void Scalable_SetDevPasidOnUnitWithoutPasidSupport_Eopnotsupp()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, maxPasids: 64);
        IntelRig rig = IntelRig.Boot(UnitConfiguration.SapphireRapids, t); // the recorded part reports ECAP.PASID = 0

        Assert.Equal(LinuxError.EOPNOTSUPP, rig.Core.AttachDevicePasid(rig.NewDomain("A"), rig.Dev("A"), 1));
    }
}
