using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// spec-notes/iommu-core.md "Ownership": ownership and driver binding cases. Those that need no fault injection run
/// on every <see cref="CoreRig"/> backend: the fake driver, and the Intel driver on a legacy (qemu) and a scalable
/// (sapphire-rapids, first-level tables) unit, where "programmed with" is read back from guest memory.
/// </summary>
public sealed partial class IommuCoreTests
{
    private static readonly object s_t = new();
    private static readonly object s_t2 = new();

    /// <summary>The fake driver, and the Intel driver in legacy and in scalable mode.</summary>
    public static TheoryData<string> Backends => [.. CoreRig.BackendNames];

    [Theory]
    [MemberData(nameof(Backends))]
    public void BindDriver_Singleton_CountsAndUnbindRestores(string backend)
    {
        // Scenario 1.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuGroup g = rig.Group("A");
        IommuDomain? def = g.DefaultDomain;
        Assert.NotNull(def);

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), driverManagedDma: false));
        Assert.Equal(new GroupState(def, null, 1, def, null, 0, 1, 0), rig.State("A"));
        Assert.True(rig.Core.GroupDmaOwnerClaimed(g));

        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal(new GroupState(def, null, 0, def, null, 0, 1, 0), rig.State("A"));
        Assert.False(rig.Core.GroupDmaOwnerClaimed(g));
        rig.AssertProgrammed(g);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BindDriver_TwoDevices_CountsEachWithoutReprogramming(string backend)
    {
        // Scenario 2.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        int attaches = rig.DriverActivity;

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.Equal(2u, g.OwnerCnt);
        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal(1u, g.OwnerCnt);
        rig.Core.UnbindDriver(rig.Dev("B"));
        Assert.Equal(0u, g.OwnerCnt);
        Assert.Same(g.DefaultDomain, g.Domain);
        Assert.Equal(attaches, rig.DriverActivity);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_KernelDriverBound_EPERM(string backend)
    {
        // Scenario 3.
        CoreRig rig = CoreRig.Pair(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(LinuxError.EPERM, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(rig.Group("A"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BindDriver_IntoOwnedGroup_EBUSYAndNoCleanup(string backend)
    {
        // Scenario 4.
        CoreRig rig = CoreRig.Pair(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        GroupState before = rig.State("A");
        Assert.Same(before.BlockingDomain, before.Domain);

        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.False(rig.Dev("B").IsDriverBound);
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(rig.Group("A"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_DriverManagedDmaBridge_ClaimSucceedsAndBlocksBoth(string backend)
    {
        // Scenario 5: port P (pcieport) and endpoint E in one group (explicitly stated).
        PciTopology t = new();
        PciTopologyNode p = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: false, name: "P");
        PciTopologyNode e = t.AddEndpoint(p, new PciBdf(1, 0, 0), name: "E");
        CoreRig rig = new(t, backend: backend);
        Assert.Same(rig.Group("P"), rig.Group("E"));

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("P"), driverManagedDma: true));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("E"), driverManagedDma: true));
        Assert.Equal(0u, rig.Group("E").OwnerCnt);

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("E"), s_t));
        IommuGroup g = rig.Group("E");
        Assert.Equal((s_t, 1u, g.BlockingDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(rig.Dev("P"), g.BlockingDomain);
        rig.AssertProgrammed(rig.Dev("E"), g.BlockingDomain);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceClaimDmaOwner_SameToken_SharesClaimAndReleasesInTurn(string backend)
    {
        // Scenario 7.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        IommuDomain? blk = g.BlockingDomain;
        Assert.Equal((s_t, 1u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        int attaches = rig.DriverActivity;

        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));
        Assert.Equal((s_t, 2u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(attaches, rig.DriverActivity);

        rig.Core.DeviceReleaseDmaOwner(rig.Dev("A"));
        Assert.Equal((s_t, 1u, blk), (g.Owner, g.OwnerCnt, g.Domain));
        rig.Core.DeviceReleaseDmaOwner(rig.Dev("B"));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceClaimDmaOwner_OtherTokenOrNull_EPERMOrEINVAL(string backend)
    {
        // Scenario 8.
        CoreRig rig = CoreRig.Pair(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EPERM, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t2));
        Assert.Equal(before, rig.State("A"));
        Assert.Equal(LinuxError.EINVAL, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), null));
        Assert.Equal(before.WithoutWarns(), rig.State("A").WithoutWarns());
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.NullOwnerToken));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_NullToken_WarnsEINVAL(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupClaimDmaOwner(rig.Group("A"), null));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.NullOwnerToken));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_AlreadyClaimedEvenBySameToken_EPERM(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(before, rig.State("A"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_NonDefaultDomainAttached_EBUSY(string backend)
    {
        // TakeOwnership step 1: a caller domain attached while unowned (scenario 26's hazard state).
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EBUSY, rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(rig.Dev("A"), d);
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceClaimDmaOwner_NoIommu_ENODEVAndUseIsNoOp(string backend)
    {
        // Scenario 12.
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "X", unit: -1);
        CoreRig rig = new(t, backend: backend);
        IommuDevice x = rig.Dev("X");
        Assert.Null(x.Group);
        Assert.Equal(LinuxError.ENODEV, rig.Core.DeviceClaimDmaOwner(x, s_t));
        Assert.Equal(LinuxError.Success, rig.Core.DeviceUseDefaultDomain(x));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(x, false));
        Assert.Equal(LinuxError.ENODEV, rig.Core.PagingDomainAlloc(x, IommuAllocFlags.None, out _));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupReleaseDmaOwner_NotOwned_WarnsNoChange(string backend)
    {
        // Scenario 15.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        GroupState idle = rig.State("A");
        rig.Core.GroupReleaseDmaOwner(rig.Group("A"));
        Assert.Equal(idle with { WarnCount = 1 }, rig.State("A"));

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        GroupState bound = rig.State("A");
        rig.Core.GroupReleaseDmaOwner(rig.Group("A"));
        Assert.Equal(bound with { WarnCount = 2 }, rig.State("A"));
        Assert.Equal(2, rig.Core.Diagnostics.Count(IommuWarning.ReleaseNotOwned));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupReleaseDmaOwner_DeviceClaimsOutstanding_ForcesZeroAndRestoresDefault(string backend)
    {
        // "Ownership": release resets owner_cnt even with several device claims and replaces an attached caller domain.
        CoreRig rig = CoreRig.Pair(backend: backend);
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void BindDriver_ReprobeAfterRemove_Balanced(string backend)
    {
        // Scenario 18: probe, remove, probe again; and a failing driver probe runs dma_cleanup.
        CoreRig rig = CoreRig.Singleton(backend: backend);
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void BindDriver_AlreadyBound_EBUSY(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("A"), false));
        Assert.Equal(1u, rig.Group("A").OwnerCnt);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceUnuseDefaultDomain_CountZero_WarnsNoChange(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        GroupState before = rig.State("A");
        rig.Core.DeviceUnuseDefaultDomain(rig.Dev("A"));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.UnuseWithoutUse));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceUseDefaultDomain_CountZeroOnCallerDomain_NotChecked(string backend)
    {
        // "Ownership" (use_default_domain): with owner_cnt == 0 a leftover non-default domain is not detected.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        Assert.Equal(LinuxError.Success, rig.Core.DeviceUseDefaultDomain(rig.Dev("A")));
        Assert.Equal((1u, d), (rig.Group("A").OwnerCnt, rig.Group("A").Domain));

        // Now owner_cnt > 0 and the domain is not the default: the next user is refused.
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceUseDefaultDomain(rig.Dev("A")));
        Assert.Equal(1u, rig.Group("A").OwnerCnt);
        rig.AssertProgrammed(rig.Dev("A"), d);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceUnuseDefaultDomain_LeavesCallerDomainAttached(string backend)
    {
        // "Ownership": unuse never changes the domain.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal((0u, d), (rig.Group("A").OwnerCnt, rig.Group("A").Domain));
        rig.AssertProgrammed(rig.Dev("A"), d);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeviceReleaseDmaOwner_LastClaim_RestoresDefaultFromCallerDomain(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));
        rig.Core.DeviceReleaseDmaOwner(rig.Dev("A"));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
    }
}
