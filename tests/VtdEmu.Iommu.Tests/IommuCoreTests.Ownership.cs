using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>spec-notes/iommu-core.md "Ownership": ownership and driver binding cases.</summary>
public sealed partial class IommuCoreTests
{
    private static readonly object s_t = new();
    private static readonly object s_t2 = new();

    [Fact]
    public void BindDriver_Singleton_CountsAndUnbindRestores()
    {
        // Scenario 1.
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        IommuDomain? def = g.DefaultDomain;
        Assert.NotNull(def);

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), driverManagedDma: false));
        Assert.Equal(new GroupState(def, null, 1, def, null, 0, 1, 0), rig.State("A"));
        Assert.True(rig.Core.GroupDmaOwnerClaimed(g));

        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal(new GroupState(def, null, 0, def, null, 0, 1, 0), rig.State("A"));
        Assert.False(rig.Core.GroupDmaOwnerClaimed(g));
    }

    [Fact]
    public void BindDriver_TwoDevices_CountsEachWithoutReprogramming()
    {
        // Scenario 2.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        int attaches = rig.Driver.AttachCallCount;

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.Equal(2u, g.OwnerCnt);
        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal(1u, g.OwnerCnt);
        rig.Core.UnbindDriver(rig.Dev("B"));
        Assert.Equal(0u, g.OwnerCnt);
        Assert.Same(g.DefaultDomain, g.Domain);
        Assert.Equal(attaches, rig.Driver.AttachCallCount);
    }

    [Fact]
    public void GroupClaimDmaOwner_KernelDriverBound_EPERM()
    {
        // Scenario 3.
        CoreRig rig = CoreRig.Pair();
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(LinuxError.EPERM, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));
        Assert.Equal(before, rig.State("A"));
    }

    [Fact]
    public void BindDriver_IntoOwnedGroup_EBUSYAndNoCleanup()
    {
        // Scenario 4.
        CoreRig rig = CoreRig.Pair();
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        GroupState before = rig.State("A");
        Assert.Same(before.BlockingDomain, before.Domain);

        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.False(rig.Dev("B").IsDriverBound);
        Assert.Equal(before, rig.State("A"));
    }

    [Fact]
    public void GroupClaimDmaOwner_DriverManagedDmaBridge_ClaimSucceedsAndBlocksBoth()
    {
        // Scenario 5: port P (pcieport) and endpoint E in one group (explicitly stated).
        PciTopology t = new();
        PciTopologyNode p = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: false, name: "P");
        PciTopologyNode e = t.AddEndpoint(p, new PciBdf(1, 0, 0), name: "E");
        CoreRig rig = new(t);
        Assert.Same(rig.Group("P"), rig.Group("E"));

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("P"), driverManagedDma: true));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("E"), driverManagedDma: true));
        Assert.Equal(0u, rig.Group("E").OwnerCnt);

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("E"), s_t));
        IommuGroup g = rig.Group("E");
        Assert.Equal((s_t, 1u, g.BlockingDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Same(g.BlockingDomain!.Ops, rig.Driver.ProgrammedDomain(rig.Dev("P")));
        Assert.Same(g.BlockingDomain!.Ops, rig.Driver.ProgrammedDomain(rig.Dev("E")));
    }

    [Fact]
    public void DeviceClaimDmaOwner_SameToken_SharesClaimAndReleasesInTurn()
    {
        // Scenario 7.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        IommuDomain? blk = g.BlockingDomain;
        Assert.Equal((s_t, 1u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        int attaches = rig.Driver.AttachCallCount;

        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));
        Assert.Equal((s_t, 2u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(attaches, rig.Driver.AttachCallCount);

        rig.Core.DeviceReleaseDmaOwner(rig.Dev("A"));
        Assert.Equal((s_t, 1u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        rig.Core.DeviceReleaseDmaOwner(rig.Dev("B"));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
    }

    [Fact]
    public void DeviceClaimDmaOwner_OtherTokenOrNull_EPERMOrEINVAL()
    {
        // Scenario 8.
        CoreRig rig = CoreRig.Pair();
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EPERM, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t2));
        Assert.Equal(before, rig.State("A"));
        Assert.Equal(LinuxError.EINVAL, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), null));
        Assert.Equal(before.WithoutWarns(), rig.State("A").WithoutWarns());
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.NullOwnerToken));
    }

    [Fact]
    public void GroupClaimDmaOwner_NullToken_WarnsEINVAL()
    {
        CoreRig rig = CoreRig.Singleton();
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupClaimDmaOwner(rig.Group("A"), null));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.NullOwnerToken));
    }

    [Fact]
    public void GroupClaimDmaOwner_AlreadyClaimedEvenBySameToken_EPERM()
    {
        CoreRig rig = CoreRig.Singleton();
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(before, rig.State("A"));
    }

    [Fact]
    public void GroupClaimDmaOwner_NonDefaultDomainAttached_EBUSY()
    {
        // TakeOwnership step 1: a caller domain attached while unowned (scenario 26's hazard state).
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EBUSY, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        Assert.Equal(before, rig.State("A"));
    }

    [Fact]
    public void GroupClaimDmaOwner_BlockingAllocationFails_ErrorPropagatesUnowned()
    {
        FakeIommuDriver driver = new(hasBlockedDomain: false);
        CoreRig rig = CoreRig.Singleton(driver: driver);
        GroupState before = rig.State("A");
        driver.AllocError = LinuxError.ENOMEM;
        Assert.Equal(LinuxError.ENOMEM, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(before, rig.State("A"));

        // Without a static blocked domain the core uses an empty paging domain.
        driver.AllocError = LinuxError.Success;
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(IommuDomainType.Unmanaged, rig.Group("A").Domain!.Type);
        Assert.Same(rig.Group("A").BlockingDomain, rig.Group("A").Domain);
    }

    [Fact]
    public void GroupClaimDmaOwner_DriverAttachFails_RollsBackAndCachesBlocking()
    {
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        rig.Driver.FailAttachWhen = (dev, dom) => dev.Name == "B" && dom.Kind == IommuDomainType.Blocked;
        IommuDomain? def = g.DefaultDomain;

        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal((null, 0u, def), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.NotNull(g.BlockingDomain);
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void DeviceClaimDmaOwner_NoIommu_ENODEVAndUseIsNoOp()
    {
        // Scenario 12.
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "X", unit: -1);
        CoreRig rig = new(t);
        IommuDevice x = rig.Dev("X");
        Assert.Null(x.Group);
        Assert.Equal(LinuxError.ENODEV, rig.Core.DeviceClaimDmaOwner(x, s_t));
        Assert.Equal(LinuxError.Success, rig.Core.DeviceUseDefaultDomain(x));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(x, false));
        Assert.Equal(LinuxError.ENODEV, rig.Core.PagingDomainAlloc(x, IommuAllocFlags.None, out _));
    }

    [Fact]
    public void GroupReleaseDmaOwner_NotOwned_WarnsNoChange()
    {
        // Scenario 15.
        CoreRig rig = CoreRig.Singleton();
        GroupState idle = rig.State("A");
        rig.Core.GroupReleaseDmaOwner(rig.Group("A"));
        Assert.Equal(idle with { WarnCount = 1 }, rig.State("A"));

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        GroupState bound = rig.State("A");
        rig.Core.GroupReleaseDmaOwner(rig.Group("A"));
        Assert.Equal(bound with { WarnCount = 2 }, rig.State("A"));
        Assert.Equal(2, rig.Core.Diagnostics.Count(IommuWarning.ReleaseNotOwned));
    }

    [Fact]
    public void GroupReleaseDmaOwner_DeviceClaimsOutstanding_ForcesZeroAndRestoresDefault()
    {
        // "Ownership": release resets owner_cnt even with several device claims and replaces an attached caller domain.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));

        rig.Core.GroupReleaseDmaOwner(g);
        Assert.Equal(new GroupState(g.DefaultDomain, null, 0, g.DefaultDomain, g.BlockingDomain, 0, 2, 0), rig.State("A"));
        rig.AssertProgrammed(g);
        Assert.Equal(0, d.Users);
    }

    [Fact]
    public void DeviceUseDefaultDomain_DefaultNotSetUp_EPROBE_DEFERThenSuccess()
    {
        // Scenario 17.
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), name: "RP");
        PciTopologyNode a = t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
        CoreRig rig = new(t, probe: false);
        Assert.Equal(LinuxError.Success, rig.Core.AddDeviceWithoutSetup(rp, out _));
        Assert.Equal(LinuxError.Success, rig.Core.AddDeviceWithoutSetup(a, out IommuDevice? dev));
        Assert.Null(dev!.Group!.DefaultDomain);

        Assert.Equal(LinuxError.EPROBE_DEFER, rig.Core.DeviceUseDefaultDomain(dev));
        Assert.Equal(0u, dev.Group.OwnerCnt);

        rig.Core.SetupDefaultDomains();
        Assert.Equal(LinuxError.Success, rig.Core.DeviceUseDefaultDomain(dev));
        Assert.Equal(1u, dev.Group.OwnerCnt);
    }

    [Fact]
    public void BindDriver_ReprobeAfterRemove_Balanced()
    {
        // Scenario 18: probe, remove, probe again; and a failing driver probe runs dma_cleanup.
        CoreRig rig = CoreRig.Singleton();
        IommuDevice a = rig.Dev("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, false));
        rig.Core.UnbindDriver(a);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, false));
        Assert.Equal(1u, a.Group!.OwnerCnt);

        rig.Core.UnbindDriver(a);
        Assert.Equal(LinuxError.ENOMEM, rig.Core.BindDriver(a, false, probeResult: LinuxError.ENOMEM));
        Assert.Equal(0u, a.Group.OwnerCnt);
        Assert.False(a.IsDriverBound);
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
    }

    [Fact]
    public void BindDriver_AlreadyBound_EBUSY()
    {
        CoreRig rig = CoreRig.Singleton();
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(1u, rig.Group("A").OwnerCnt);
    }

    [Fact]
    public void DeviceUnuseDefaultDomain_CountZero_WarnsNoChange()
    {
        CoreRig rig = CoreRig.Singleton();
        GroupState before = rig.State("A");
        rig.Core.DeviceUnuseDefaultDomain(rig.Dev("A"));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.UnuseWithoutUse));
    }

    [Fact]
    public void DeviceUseDefaultDomain_CountZeroOnCallerDomain_NotChecked()
    {
        // "Ownership" (use_default_domain): with owner_cnt == 0 a leftover non-default domain is not detected.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        Assert.Equal(LinuxError.Success, rig.Core.DeviceUseDefaultDomain(rig.Dev("A")));
        Assert.Equal((1u, d), (rig.Group("A").OwnerCnt, rig.Group("A").Domain));

        // Now owner_cnt > 0 and the domain is not the default: the next user is refused.
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceUseDefaultDomain(rig.Dev("A")));
        Assert.Equal(1u, rig.Group("A").OwnerCnt);
    }

    [Fact]
    public void DeviceUnuseDefaultDomain_LeavesCallerDomainAttached()
    {
        // "Ownership": unuse never changes the domain.
        CoreRig rig = CoreRig.Singleton();
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal((0u, d), (rig.Group("A").OwnerCnt, rig.Group("A").Domain));
    }

    [Fact]
    public void DeviceReleaseDmaOwner_LastClaim_RestoresDefaultFromCallerDomain()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));
        rig.Core.DeviceReleaseDmaOwner(rig.Dev("A"));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
    }
}
