using VtdEmu.Faults;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// Isolation between instances at the hardware (issue 14 items 1 and 3): a domain of another core or unit never
/// reaches this unit's context table, and a second device with an already-probed requester ID cannot overwrite the
/// first one's context entry.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void GroupReplaceDomain_DomainOfAnotherCore_RefusedAndBlockedDeviceStillFaults()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IntelRig other = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IommuDomain foreign = other.NewDomain("A");
        Assert.Equal(LinuxError.Success, other.Core.Map(foreign, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        IommuGroup g = rig.Dev("A").Group!;
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, new object()));
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupReplaceDomain(g, foreign));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroup(foreign, g));

        Assert.Same(g.BlockingDomain, g.Domain);
        Assert.Null(rig.Context(rig.Dev("A").Bdf));
        Assert.Empty(rig.Mmio.Invalidations);
        DmaResult dma = rig.Endpoint("A").Write(0x10_0000, [1, 2, 3, 4]);
        Assert.Equal(DmaStatus.Faulted, dma.Status);
        Assert.Equal(FaultReason.ContextEntryNotPresent, dma.Fault);
    }

    [Fact]
    public void Probe_DuplicateRequesterId_RefusedWithEexistAndFirstDeviceKeepsItsContext()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true);
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, t);
        IommuDevice a = rig.Dev("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, driverManagedDma: false));
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        DecodedContext? before = rig.Context(a.Bdf);
        rig.Mmio.Clear();
        PciTopologyNode twin = t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A2", acs: true);

        Assert.Equal(LinuxError.EEXIST, rig.Core.AddDevice(twin, out IommuDevice? dup));

        Assert.Null(dup!.Driver);
        Assert.Null(dup.Group);
        Assert.Equal(before, rig.Context(a.Bdf));
        Assert.Empty(rig.Mmio.Invalidations);
        Assert.Single(a.Group!.Devices);
        Assert.True(rig.Endpoint("A").Write(0x10_0000, [9]).IsCompleted);
        byte[] landed = new byte[1];
        Assert.True(rig.Memory.TryRead(0x0300_0000, landed));
        Assert.Equal(9, landed[0]);
    }

    [Fact]
    public void Probe_RequesterIdFreedByRemoval_CanBeProbedAgain()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true);
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, t);
        Assert.Equal(LinuxError.Success, rig.Core.RemoveDevice(rig.Dev("A")));
        PciTopologyNode again = t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A-again", acs: true);

        Assert.Equal(LinuxError.Success, rig.Core.AddDevice(again, out IommuDevice? dev));

        Assert.NotNull(dev!.Group);
        Assert.NotNull(rig.Context(dev.Bdf));
    }
}
