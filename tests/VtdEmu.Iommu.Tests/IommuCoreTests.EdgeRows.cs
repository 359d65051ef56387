using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>Remaining rules of spec-notes/iommu-core.md "Rules we model": no-group and empty-group cases, zero-size
/// map.</summary>
public sealed partial class IommuCoreTests
{
    [Fact]
    public void VoidCalls_DeviceWithoutGroup_DoNothing()
    {
        // "Ownership" and "Attach and detach": the no-group cases.
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A");
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "X", unit: -1);
        CoreRig rig = new(t);
        IommuDevice x = rig.Dev("X");
        rig.Core.DeviceUnuseDefaultDomain(x);
        rig.Core.DetachDevice(rig.NewDomain("A"), x);
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
        Assert.Equal(LinuxError.Success, rig.Core.DeferredAttach(x));
    }

    [Fact]
    public void AttachGroup_EmptiedGroup_ENODEV()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        IommuDomain d = rig.NewDomain("A");
        rig.Core.RemoveDevice(rig.Dev("A"));
        Assert.Equal(LinuxError.ENODEV, rig.Core.AttachGroup(d, g));
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupStoreType(g, IommuDomainType.Dma));
        Assert.Null(g.Domain);
    }

    [Fact]
    public void Map_ZeroSize_SuccessWithoutDriverCalls()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1000, 0x1000, 0, Rw));
        Assert.Empty(((FakeDomain)d.Ops).MapCalls);
        Assert.Equal(0, ((FakeDomain)d.Ops).SyncMapCalls);
    }

    [Fact]
    public void AddDevice_SameNodeTwice_EEXIST()
    {
        CoreRig rig = CoreRig.Singleton();
        Assert.Equal(LinuxError.EEXIST, rig.Core.AddDevice(rig.Dev("A").Node, out IommuDevice? again));
        Assert.Null(again);
    }

    [Fact]
    public void DomainType_Predicates_MatchKernelBits()
    {
        Assert.Equal(
            [false, true, true, false, true],
            new[] { IommuDomainType.Blocked, IommuDomainType.Unmanaged, IommuDomainType.Dma, IommuDomainType.Identity, IommuDomainType.DmaFq }
                .Select(t => t.IsPaging()));
        Assert.Equal(
            [false, false, true, false, true],
            new[] { IommuDomainType.Blocked, IommuDomainType.Unmanaged, IommuDomainType.Dma, IommuDomainType.Identity, IommuDomainType.DmaFq }
                .Select(t => t.IsDmaApi()));
    }

    [Fact]
    public void LinuxError_Values_AreKernelErrnos()
    {
        Assert.Equal(
            [0, 1, 2, 5, 12, 13, 14, 16, 17, 19, 22, 28, 34, 95, 98, 517],
            new[]
            {
                LinuxError.Success, LinuxError.EPERM, LinuxError.ENOENT, LinuxError.EIO, LinuxError.ENOMEM, LinuxError.EACCES,
                LinuxError.EFAULT, LinuxError.EBUSY, LinuxError.EEXIST, LinuxError.ENODEV, LinuxError.EINVAL, LinuxError.ENOSPC,
                LinuxError.ERANGE, LinuxError.EOPNOTSUPP, LinuxError.EADDRINUSE, LinuxError.EPROBE_DEFER,
            }.Select(e => (int)e));
    }
}
