using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Intel driver: context entries, domain IDs and the attach / block invalidation order
/// (spec-notes/intel-driver.md "Domain IDs", "Attach", "Invalidation order").</summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void Probe_DmaDefaultDomain_WritesLegacyContextEntryWithFreshDid()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IntelPagingDomain domain = Assert.IsType<IntelPagingDomain>(rig.Domain("A").Ops);

        DecodedContext ctx = Assert.IsType<DecodedContext>(rig.Context(rig.Dev("A").Bdf));

        // The root port is probed first and takes DID 2 (the lowest dynamic ID); A's default domain gets 3.
        Assert.Equal(new DecodedContext(Fpd: false, TranslationType: 0, Slptptr: domain.Root, AddressWidth: 1, DomainId: 3, ReservedLo: 0, ReservedHi: 0), ctx);
        Assert.Equal((ushort)3, domain.Did);
    }

    [Fact]
    public void Probe_Passthrough_WritesPassThroughEntryWithDid1AndMaxAgaw()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        Assert.Equal(IommuDomainType.Identity, rig.Domain("A").Type);
        DecodedContext ctx = Assert.IsType<DecodedContext>(rig.Context(rig.Dev("A").Bdf));
        Assert.Equal(2, ctx.TranslationType);
        Assert.Equal((ushort)1, ctx.DomainId);
        Assert.Equal(2, ctx.AddressWidth); // Broadwell SAGAW = 48-bit only
    }

    [Fact]
    public void Probe_NoPassThroughUnit_PrefersDmaAndHasNoIdentityDomain()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuNoPassThrough, IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        Assert.Null(rig.Driver.IdentityDomain);
        Assert.Equal(IommuDomainType.Dma, rig.Domain("A").Type);
        Assert.Equal(0, Assert.IsType<DecodedContext>(rig.Context(rig.Dev("A").Bdf)).TranslationType);
    }

    [Fact]
    public void ClaimDmaOwner_BlockedDomain_ClearsEntryThenContextThenIotlbWithOldDid()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        ushort sid = rig.Dev("A").Bdf.Rid;
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        Assert.Null(rig.Context(rig.Dev("A").Bdf));
        Assert.Equal([$"cc device did=3 sid={sid:x4}", "iotlb dsi did=3"], rig.Mmio.Invalidations);
    }

    [Fact]
    public void DomainIds_AllocatedLowestFirstPerUnitAndReleasedWithLastDevice()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Endpoints(3));
        ushort[] dids = [.. "ABC".Select(n => Assert.IsType<DecodedContext>(rig.Context(rig.Dev(n.ToString()).Bdf)).DomainId)];
        Assert.Equal([2, 3, 4], dids);

        // A claimed by a user: its default domain's DID 2 goes back with its last device.
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));
        Assert.Null(rig.Context(rig.Dev("A").Bdf));

        // C moves to a new domain: C's own DID 4 is released by the block before the new domain takes the lowest
        // free ID, which is A's old 2 (Linux's IDA gives the lowest).
        IommuDomain d = rig.NewDomain("C");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("C")));
        Assert.Equal((ushort)2, Assert.IsType<DecodedContext>(rig.Context(rig.Dev("C").Bdf)).DomainId);

        // The next new domain gets 4.
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(rig.NewDomain("A"), rig.Dev("A")));
        Assert.Equal((ushort)4, Assert.IsType<DecodedContext>(rig.Context(rig.Dev("A").Bdf)).DomainId);
    }

    [Fact]
    public void DomainIds_Exhausted_AttachReturnsEnospcAndDeviceStaysBlocked()
    {
        // ND = 0: 16 IDs, 0 and 1 reserved → 14 domains.
        IntelRig rig = IntelRig.Boot(TestUnits.QemuFewDomains, IntelRig.Endpoints(15));
        for (int i = 0; i < 14; i++)
        {
            Assert.Equal((ushort)(i + 2), Assert.IsType<DecodedContext>(rig.Context(rig.Dev(((char)('A' + i)).ToString()).Bdf)).DomainId);
        }

        Assert.Null(rig.Context(rig.Dev("O").Bdf));
        IommuDomain extra = rig.NewDomain("A");
        Assert.Equal(LinuxError.ENOSPC, rig.Core.AttachDevice(extra, rig.Dev("O")));
    }

    [Fact]
    public void Scenario19_AttachWhileDmaApiInUse_OldEntryTornDownNewDidProgrammed()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IommuDevice a = rig.Dev("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, driverManagedDma: false));
        IntelPagingDomain def = Assert.IsType<IntelPagingDomain>(rig.Domain("A").Ops);
        IommuDomain d = rig.NewDomain("A");
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, a));

        // Legacy mode: context-cache (old DID) → IOTLB DSI (old DID); the new entry needs no flush with CM = 0.
        Assert.Equal([$"cc device did=3 sid={a.Bdf.Rid:x4}", "iotlb dsi did=3"], rig.Mmio.Invalidations);

        // The default domain's DID was released when its last device left, before D took the lowest free one.
        Assert.Equal((ushort)0, def.Did);
        IntelPagingDomain nd = Assert.IsType<IntelPagingDomain>(d.Ops);
        Assert.Equal(new DecodedContext(false, 0, nd.Root, 1, 3, 0, 0), rig.Context(a.Bdf));
        Assert.Same(d, a.Group!.Domain);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scenario58_LegacyCachingModeAliasAttach_EachEntryFlushedWithDid0ThenSwitchClearsBoth(bool queued)
    {
        // E (05:00.0) sits behind a PCIe-to-PCI bridge whose secondary bus is 5: DMA aliases E and 05:00.0 → the
        // same RID here, so put E at 05:01.0 to get two distinct aliases.
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        PciTopologyNode bridge = t.AddPcieToPciBridge(rp, new PciBdf(4, 0, 0), name: "BR");
        t.AddEndpoint(bridge, new PciBdf(5, 1, 0), name: "E");
        IntelRig rig = IntelRig.Boot(queued ? TestUnits.QemuCachingMode : TestUnits.QemuRegisterCachingMode, t);
        IommuDevice e = rig.Dev("E");
        Assert.Equal([new PciBdf(5, 1, 0), new PciBdf(5, 0, 0)], e.Node.DmaAliases);
        IommuGroup g = e.Group!;
        object owner = new();
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, owner));
        IommuDomain d = rig.NewDomain("E");
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));

        ushort did = Assert.IsType<IntelPagingDomain>(d.Ops).Did;
        List<string> expected = [];
        foreach (IommuDevice dev in g.Devices)
        {
            foreach (PciBdf alias in dev.Node.DmaAliases)
            {
                expected.AddRange([$"cc device did=0 sid={alias.Rid:x4}", $"iotlb dsi did={did}"]);
            }
        }

        Assert.Equal(expected, rig.Mmio.Invalidations);
        Assert.Equal(did, rig.Context(new PciBdf(5, 1, 0))!.Value.DomainId);
        Assert.Equal(did, rig.Context(new PciBdf(5, 0, 0))!.Value.DomainId);

        // Switch to D2: every present entry is cleared with context (old DID) + IOTLB DSI (old DID) before the new one.
        IommuDomain d2 = rig.NewDomain("E");
        rig.Mmio.Clear();
        Assert.Equal(LinuxError.Success, rig.Core.GroupReplaceDomain(g, d2));
        ushort did2 = Assert.IsType<IntelPagingDomain>(d2.Ops).Did;
        List<string> log = rig.Mmio.Invalidations;
        Assert.Equal($"cc device did={did} sid=0400", log[0]);
        Assert.Equal($"iotlb dsi did={did}", log[1]);
        int eFirst = log.IndexOf($"cc device did={did} sid=0508");
        Assert.True(eFirst > 0);
        Assert.Equal([$"cc device did={did} sid=0508", $"iotlb dsi did={did}", $"cc device did={did} sid=0500", $"iotlb dsi did={did}", "cc device did=0 sid=0508", $"iotlb dsi did={did2}", "cc device did=0 sid=0500", $"iotlb dsi did={did2}"], log[eFirst..(eFirst + 8)]);
    }

    [Fact]
    public void Attach_WriteBufferFlushUnit_FlushesAfterNewEntryWithoutCachingMode()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuRwbf, IntelRig.Singleton());
        IommuDomain d = rig.NewDomain("A");
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));

        // Old entry: cc + iotlb (which flush write buffers implicitly); new entry: CM = 0 → GCMD.WBF only.
        List<string> log = [.. rig.Mmio.Log.Where(e => !e.StartsWith("IQT", StringComparison.Ordinal) && e != "wait")];
        Assert.Equal(["cc device did=3 sid=0100", "iotlb dsi did=3", "GCMD +WBF"], log);
    }

    [Fact]
    public void Probe_PassthroughCachingMode_PresentFlushUsesDid0ThenIotlbForDid1()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuCachingMode, IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        // One pass-through entry per device (root port 00:1c.0, then A): each followed by cc DID 0 + IOTLB DSI DID 1.
        List<string> log = rig.Mmio.Invalidations;
        Assert.Equal(["cc device did=0 sid=00e0", "iotlb dsi did=1", "cc device did=0 sid=0100", "iotlb dsi did=1"], log[2..]);
        Assert.Equal(["cc global", "iotlb global"], log[..2]);
    }

    [Fact]
    public void Probe_AtsCapableDeviceWithoutQueuedInvalidation_AtsStaysOff()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.BroadwellRegisterInvalidation, IntelRig.Singleton(), options: new IntelDriverOptions { AtsCapable = _ => true });

        // ECAP.DT but no queue: device-TLBs could never be invalidated, so TT stays multi-level (00), not 01.
        Assert.Equal(0, rig.Context(rig.Dev("A").Bdf)!.Value.TranslationType);
        rig.Mmio.Clear();
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0, 0x1000, Size4K, ReadWrite));
        Assert.Equal(Size4K, rig.Core.Unmap(rig.Domain("A"), 0, Size4K));
        Assert.DoesNotContain(rig.Mmio.Invalidations, e => e.StartsWith("devtlb", StringComparison.Ordinal));
    }
}
