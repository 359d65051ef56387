using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// Objects of another <see cref="IommuCore"/> (issue 14 items 1, 2, 4): every path refuses them with the state of both
/// cores unchanged, and a failed bind gives back the owner_cnt it took.
/// </summary>
public sealed partial class IommuCoreTests
{
    private static readonly object s_handle = new();

    [Fact]
    public void AttachPaths_DomainOfAnotherCore_RefusedWithEinvalAndGroupUnchanged()
    {
        CoreRig rig = CoreRig.Pair(maxPasids: 16);
        CoreRig other = CoreRig.Singleton();
        IommuDomain foreign = other.NewDomain("A");
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        GroupState before = rig.State("A");
        GroupState otherBefore = other.State("A");

        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupReplaceDomain(g, foreign));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroup(foreign, g));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroupHandle(foreign, g, s_handle));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevicePasid(foreign, rig.Dev("A"), 1));
        Assert.Equal(LinuxError.EINVAL, rig.Core.ReplaceDevicePasid(foreign, rig.Dev("A"), 1, s_handle));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(foreign, 0, 0, 0x1000, IommuProt.Read));
        Assert.Equal(0UL, rig.Core.Unmap(foreign, 0, 0x1000));
        Assert.Equal(LinuxError.EINVAL, rig.Core.DomainFree(foreign));

        Assert.Equal(before, rig.State("A"));
        Assert.Equal(otherBefore, other.State("A"));
        Assert.Equal(0, foreign.Users);
        Assert.Same(g.BlockingDomain!.Ops, rig.Driver.ProgrammedDomain(rig.Dev("A")));
        Assert.Null(rig.Driver.ProgrammedPasid(rig.Dev("A"), 1));
    }

    [Fact]
    public void AttachDevice_DomainOfAnotherCore_RefusedUnderEveryPolicy()
    {
        foreach (IommuAttachPolicy policy in IommuAttachPolicy.All)
        {
            CoreRig rig = CoreRig.Singleton(attachPolicy: policy);
            CoreRig other = CoreRig.Singleton();
            IommuDomain foreign = other.NewDomain("A");
            Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), driverManagedDma: true));
            GroupState before = rig.State("A");

            Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevice(foreign, rig.Dev("A")));
            Assert.Equal(LinuxError.ENODEV, rig.Core.AttachDevice(rig.NewDomain("A"), other.Dev("A")));

            Assert.Equal(before, rig.State("A"));
        }
    }

    [Fact]
    public void DomainOfAnotherUnit_RefusedOnEveryAttachPath()
    {
        // One core over two units: a domain allocated on unit 1 must never be programmed for a device of unit 0.
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, maxPasids: 16);
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "B", acs: true, unit: 1);
        FakeIommuDriver unit0 = new();
        FakeIommuDriver unit1 = new();
        IommuCore core = new(IommuDmaPolicy.Strict, unit0, unit1);
        core.Probe(t);
        Assert.True(core.TryGetDevice(t.Nodes[0], out IommuDevice? a));
        Assert.True(core.TryGetDevice(t.Nodes[1], out IommuDevice? b));
        Assert.Equal(LinuxError.Success, core.PagingDomainAlloc(b, IommuAllocFlags.None, out IommuDomain? onUnit1));
        IommuGroup g = a.Group!;
        Assert.Equal(LinuxError.Success, core.GroupClaimDmaOwner(g, s_t));

        Assert.Equal(LinuxError.EINVAL, core.GroupReplaceDomain(g, onUnit1));
        Assert.Equal(LinuxError.EINVAL, core.AttachGroup(onUnit1!, g));
        Assert.Equal(LinuxError.EINVAL, core.AttachDevicePasid(onUnit1!, a, 1));

        Assert.Same(g.BlockingDomain, g.Domain);
        Assert.Same(g.BlockingDomain!.Ops, unit0.ProgrammedDomain(a));
        Assert.Null(unit1.ProgrammedDomain(a));
    }

    [Fact]
    public void RemoveDevice_DeviceOfAnotherCore_EnodevAndBothCoresUnchanged()
    {
        CoreRig rig = CoreRig.Pair();
        CoreRig other = CoreRig.Pair();
        IommuDevice foreign = other.Dev("A");
        GroupState before = rig.State("A");
        GroupState otherBefore = other.State("A");

        Assert.Equal(LinuxError.ENODEV, rig.Core.RemoveDevice(foreign));

        Assert.Equal(before, rig.State("A"));
        Assert.Equal(otherBefore, other.State("A"));
        Assert.Same(other.Group("A"), foreign.Group);
        Assert.Equal(2, other.Group("A").Devices.Count);
        Assert.NotNull(other.Driver.ProgrammedDomain(foreign));
    }

    [Fact]
    public void RemoveDevice_Twice_SecondIsEnodev()
    {
        CoreRig rig = CoreRig.Pair();
        IommuDevice a = rig.Dev("A");

        Assert.Equal(LinuxError.Success, rig.Core.RemoveDevice(a));
        Assert.Equal(LinuxError.ENODEV, rig.Core.RemoveDevice(a));

        Assert.Single(rig.Group("B").Devices);
    }

    [Fact]
    public void DeviceAndGroupCalls_ObjectsOfAnotherCore_RefusedAndNothingChanges()
    {
        CoreRig rig = CoreRig.Pair();
        CoreRig other = CoreRig.Pair();
        IommuDevice dev = other.Dev("A");
        IommuGroup group = other.Group("A");
        Assert.Equal(LinuxError.Success, other.Core.BindDriver(other.Dev("B"), driverManagedDma: false));
        GroupState otherBefore = other.State("A");
        int warns = rig.Core.Diagnostics.WarnCount;

        Assert.Equal(LinuxError.ENODEV, rig.Core.BindDriver(dev, driverManagedDma: false));
        Assert.Equal(LinuxError.ENODEV, rig.Core.DeviceUseDefaultDomain(dev));
        Assert.Equal(LinuxError.ENODEV, rig.Core.DeviceClaimDmaOwner(dev, s_t));
        Assert.Equal(LinuxError.ENODEV, rig.Core.PagingDomainAlloc(dev, IommuAllocFlags.None, out _));
        Assert.Equal(LinuxError.ENODEV, rig.Core.DeferredAttach(dev));
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupClaimDmaOwner(group, s_t));
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupStoreType(group, IommuDomainType.DmaFq));
        Assert.False(rig.Core.GroupDmaOwnerClaimed(group));
        rig.Core.UnbindDriver(other.Dev("B"));
        rig.Core.DeviceUnuseDefaultDomain(other.Dev("B"));
        rig.Core.DeviceReleaseDmaOwner(dev);
        rig.Core.GroupReleaseDmaOwner(group);
        rig.Core.DetachGroup(null, group);
        rig.Core.DetachGroupHandle(null, group);
        rig.Core.DetachDevice(group.DefaultDomain!, dev);
        rig.Core.DetachDevicePasid(group.DefaultDomain!, dev, 1);

        Assert.Equal(otherBefore, other.State("A"));
        Assert.True(other.Dev("B").IsDriverBound);
        Assert.Equal(8, rig.Core.Diagnostics.Count(IommuWarning.ForeignObject));
        Assert.Equal(warns + 8, rig.Core.Diagnostics.WarnCount);
    }

    [Fact]
    public void BindDriver_ProbeFailsWhilePasidAttached_OwnerCntRestored()
    {
        // owner_cnt 0 with a PASID attached: use_default_domain succeeds (nothing is checked at 0), the driver's
        // probe fails, and the rollback must not go through unuse_default_domain's PASID refusal.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(rig.NewDomain("A"), rig.Dev("A"), 3));
        Assert.Equal(0u, g.OwnerCnt);

        Assert.Equal(LinuxError.ENOMEM, rig.Core.BindDriver(rig.Dev("B"), driverManagedDma: false, probeResult: LinuxError.ENOMEM));

        Assert.Equal(0u, g.OwnerCnt);
        Assert.False(rig.Dev("B").IsDriverBound);
        rig.Core.DetachDevicePasid(g.GetPasidDomain(3)!, rig.Dev("A"), 3);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
    }

    [Fact]
    public void BindDriver_ProbeFailsWhileHandleAttached_OwnerCntRestored()
    {
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        IommuDomain d = rig.NewDomain("A");

        // A handle without ownership (iommufd attaches only after claiming, but the core does not check).
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroupHandle(d, g, s_handle));
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EIO, rig.Core.BindDriver(rig.Dev("A"), driverManagedDma: false, probeResult: LinuxError.EIO));

        Assert.Equal(before, rig.State("A"));
        rig.Core.DetachGroupHandle(d, g);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
    }
}
