using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>spec-notes/iommu-core.md "The domain-switch primitive", "Attach and detach", "Replace and group handles",
/// "Domain allocation", "Hot-plug".</summary>
public sealed partial class IommuCoreTests
{
    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachDevice_SingletonWithDriverBound_ReplacesDefault(string backend)
    {
        // Scenario 19 (core part).
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        IommuGroup g = rig.Group("A");
        Assert.Equal((null, 1u, d), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
        Assert.Equal(1, d.Users);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachDevice_MultiDeviceGroup_EINVALWithoutDriverCall(string backend)
    {
        // Scenario 20.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuDomain d = rig.NewDomain("A");
        GroupState before = rig.State("A");
        int calls = rig.DriverActivity;
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevice(d, rig.Dev("A")));
        Assert.Equal(before, rig.State("A"));
        Assert.Equal(calls, rig.DriverActivity);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachDevice_NoGroup_ENODEV(string backend)
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A");
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "X", unit: -1);
        CoreRig rig = new(t, backend: backend);
        Assert.Equal(LinuxError.ENODEV, rig.Core.AttachDevice(rig.NewDomain("A"), rig.Dev("X")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachDevice_SameCallerDomainTwice_EBUSY(string backend)
    {
        // AttachGroup step 1: re-attach is not idempotent.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EBUSY, rig.Core.AttachDevice(d, rig.Dev("A")));
        Assert.Equal(LinuxError.EBUSY, rig.Core.AttachDevice(rig.NewDomain("A"), rig.Dev("A")));
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(rig.Dev("A"), d);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DetachDevice_NotAttachedDomain_WarnsThenDetachRestoresDefault(string backend)
    {
        // Scenario 22.
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain d1 = rig.NewDomain("A");
        IommuDomain d2 = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d1, rig.Dev("A")));
        GroupState before = rig.State("A");

        rig.Core.DetachDevice(d2, rig.Dev("A"));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.DetachDeviceNotAttached));

        rig.Core.DetachDevice(d1, rig.Dev("A"));
        IommuGroup g = rig.Group("A");
        Assert.Equal((null, 1u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DetachGroup_WhileOwned_ReturnsToBlocking(string backend)
    {
        // Scenario 23; detach_group ignores its domain argument ("Attach and detach").
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));
        Assert.Same(d, g.Domain);

        rig.Core.DetachGroup(rig.NewDomain("A"), g);
        Assert.Equal((s_t, 1u, g.BlockingDomain), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DetachDevice_MultiDeviceGroup_WarnsNoChange(string backend)
    {
        // Scenario 25.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));
        GroupState before = rig.State("A");

        rig.Core.DetachDevice(d, rig.Dev("A"));
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.DetachDeviceMultiDeviceGroup));
        rig.AssertProgrammed(g);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachGroup_WithoutOwnership_AllowedThenBlocksBindAndClaim(string backend)
    {
        // Scenario 26: reproduced hazard.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain d = rig.NewDomain("A");

        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));
        Assert.Equal((null, 1u, d), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal((null, 1u, d), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void AttachGroup_DomainFromOtherUnit_EINVALAndGroupUnchanged()
    {
        // Scenario 28 (core part): a domain from another driver instance is incompatible; a new one works.
        FakeIommuDriver u1 = new();
        FakeIommuDriver u2 = new();
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A", unit: 0);
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "B", unit: 1);
        IommuCore core = new(IommuDmaPolicy.Strict, u1, u2);
        core.Probe(t);
        Assert.True(core.TryGetDevice(t.Nodes[0], out IommuDevice? a));
        Assert.True(core.TryGetDevice(t.Nodes[1], out IommuDevice? b));
        Assert.Equal(LinuxError.Success, core.PagingDomainAlloc(a, IommuAllocFlags.None, out IommuDomain? d));
        GroupState before = GroupState.Of(b.Group!, core);

        Assert.Equal(LinuxError.EINVAL, core.AttachGroup(d!, b.Group!));
        Assert.Equal(before, GroupState.Of(b.Group!, core));

        Assert.Equal(LinuxError.Success, core.PagingDomainAlloc(b, IommuAllocFlags.None, out IommuDomain? d2));
        Assert.Equal(LinuxError.Success, core.AttachGroup(d2!, b.Group!));
    }

    [Fact]
    public void AttachGroup_DriverRejectsSecondDevice_RollsBackFirst()
    {
        // "The domain-switch primitive", rollback: non-must-succeed failure re-attaches earlier devices to the old
        // domain.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        rig.Driver.FailAttachWhen = (dev, dom) => dev.Name == "B" && dom == d.Ops;
        rig.Driver.AttachError = LinuxError.ENOSPC;
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.ENOSPC, rig.Core.AttachGroup(d, g));
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(g);
        Assert.Equal(0, d.Users);
        Assert.Contains($"attach A -> Blocked#{((FakeDomain)g.BlockingDomain!.Ops).Serial}", rig.Driver.Calls[^1]);
    }

    [Fact]
    public void GroupReleaseDmaOwner_DefaultAttachFails_MustSucceedWarnsAndStillMoves()
    {
        // "The domain-switch primitive", must-succeed: keeps going, group.domain = new, failed device parked on
        // blocking.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        rig.Driver.FailAttachWhen = (dev, dom) => dev.Name == "A" && dom == g.DefaultDomain!.Ops;

        rig.Core.GroupReleaseDmaOwner(g);
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.MustSucceedAttachFailed));
        Assert.Same(g.BlockingDomain!.Ops, rig.Driver.ProgrammedDomain(rig.Dev("A")));
        Assert.Same(g.DefaultDomain!.Ops, rig.Driver.ProgrammedDomain(rig.Dev("B")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupReplaceDomain_CallerToCaller_NoBlockingStepAndSameIsNoCall(string backend)
    {
        // "Replace and group handles"; freeing an attached domain is refused.
        CoreRig rig = CoreRig.Pair(backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain ioas = rig.NewDomain("A");
        IommuDomain d1 = rig.NewDomain("A");
        IommuDomain d2 = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(ioas, g));

        Assert.Equal(LinuxError.Success, rig.Core.GroupReplaceDomain(g, d1));
        Assert.Same(d1, g.Domain);
        Assert.Equal(LinuxError.EBUSY, rig.Core.DomainFree(d1));
        Assert.False(d1.IsFreed);
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.DomainFreeInUse));

        int calls = rig.DriverActivity;
        Assert.Equal(LinuxError.Success, rig.Core.GroupReplaceDomain(g, d1));
        Assert.Equal(calls, rig.DriverActivity);

        Assert.Equal(LinuxError.Success, rig.Core.GroupReplaceDomain(g, d2));
        Assert.Equal(LinuxError.Success, rig.Core.GroupReplaceDomain(g, ioas));
        Assert.Equal(LinuxError.Success, rig.Core.DomainFree(d2));
        Assert.Equal(LinuxError.Success, rig.Core.DomainFree(d1));
        Assert.True(d2.IsFreed);
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupReplaceDomain(g, null));
        Assert.Same(ioas, g.Domain);
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void GroupReplaceDomain_DriverFails_StaysOnOld()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        rig.Driver.FailAttach.Add("A");
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupReplaceDomain(g, d));
        Assert.Equal(before, rig.State("A"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DomainFree_CoreOwnedDomain_EINVAL(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        Assert.Equal(LinuxError.EINVAL, rig.Core.DomainFree(rig.Group("A").DefaultDomain!));
        Assert.False(rig.Group("A").DefaultDomain!.IsFreed);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachGroup_FreedDomain_ThrowsObjectDisposed(string backend)
    {
        CoreRig rig = CoreRig.Singleton(backend: backend);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.DomainFree(d));
        Assert.Throws<ObjectDisposedException>(() => rig.Core.AttachGroup(d, rig.Group("A")));
        Assert.Throws<ArgumentNullException>(() => rig.Core.AttachGroup(null!, rig.Group("A")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GroupClaimDmaOwner_RequireDirect_EINVALAndBlockingCached(string backend)
    {
        // Scenario 32.
        CoreRig rig = CoreRig.Singleton(requireDirect: true, backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.NotNull(g.BlockingDomain);

        IommuDomain blocked = rig.Core.GetStaticBlockedDomain(rig.UnitDriver)!;
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroup(blocked, g));
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(rig.NewDomain("A"), g));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeferredAttach_DefaultNotProgrammedUntilFirstMap(string backend)
    {
        // Scenario 33.
        CoreRig rig = CoreRig.Singleton(attachDeferred: true, backend: backend);
        IommuDevice a = rig.Dev("A");
        Assert.True(a.AttachDeferred);
        Assert.NotNull(a.Group!.DefaultDomain);
        rig.AssertProgrammed(a, null);

        Assert.Equal(LinuxError.Success, rig.Core.DeferredAttach(a));
        Assert.False(a.AttachDeferred);
        rig.AssertProgrammed(a, a.Group.DefaultDomain);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AttachDevice_DeferredDevice_AttachesImmediately(string backend)
    {
        CoreRig rig = CoreRig.Singleton(attachDeferred: true, backend: backend);
        IommuDevice a = rig.Dev("A");
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, a));
        Assert.False(a.AttachDeferred);
        rig.AssertProgrammed(a, d);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AddDevice_HotAddIntoOwnedGroup_GetsCurrentDomain(string backend)
    {
        // Scenario 34.
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), name: "RP");
        PciTopologyNode a = t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
        CoreRig rig = new(t, backend: backend);
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroup(d, g));

        PciTopologyNode bNode = t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B");
        Assert.Equal(LinuxError.Success, rig.Core.AddDevice(bNode, out IommuDevice? b));
        Assert.Same(g, b!.Group);
        Assert.Equal((s_t, 1u, d), (g.Owner, g.OwnerCnt, g.Domain));
        rig.AssertProgrammed(b, d);

        rig.Core.DetachGroup(d, g);
        PciTopologyNode cNode = t.AddEndpoint(rp, new PciBdf(1, 0, 2), name: "C");
        Assert.Equal(LinuxError.Success, rig.Core.AddDevice(cNode, out IommuDevice? c));
        rig.AssertProgrammed(c!, g.BlockingDomain);

        IommuDomain def = g.DefaultDomain!;
        rig.Core.RemoveDevice(b);
        rig.Core.RemoveDevice(c!);
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
        rig.Core.RemoveDevice(rig.Dev("A"));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.GroupEmptiedInUse));
        Assert.True(g.IsEmpty);
        Assert.Null(g.Domain);
        Assert.Null(g.DefaultDomain);
        Assert.True(def.IsFreed);
        Assert.DoesNotContain(g, rig.Core.Groups);
    }

    [Fact]
    public void RemoveDevice_IdleGroup_FreesQuietly()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        IommuDomain def = g.DefaultDomain!;
        rig.Core.RemoveDevice(rig.Dev("A"));
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
        Assert.True(def.IsFreed);
        Assert.True(((FakeDomain)def.Ops).Freed);
        Assert.Contains("release A", rig.Driver.Calls);
    }

    [Fact]
    public void AddDevice_HotAddAttachFails_ProbeFails()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
        CoreRig rig = new(t);
        IommuGroup g = rig.Group("A");
        rig.Driver.FailAttach.Add("B");
        PciTopologyNode bNode = t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B");
        Assert.Equal(LinuxError.EINVAL, rig.Core.AddDevice(bNode, out IommuDevice? b));
        Assert.Null(b!.Group);
        Assert.Single(g.Devices);
    }

    [Fact]
    public void PagingDomainAlloc_UnsupportedFlagsOrNoMemory_DriverError()
    {
        // Scenario 52 (allocation half) and "Domain allocation".
        CoreRig rig = CoreRig.Singleton();
        Assert.Equal(LinuxError.EOPNOTSUPP, rig.Core.PagingDomainAlloc(rig.Dev("A"), IommuAllocFlags.DirtyTracking, out IommuDomain? d));
        Assert.Null(d);
        rig.Driver.AllocError = LinuxError.ENOMEM;
        Assert.Equal(LinuxError.ENOMEM, rig.Core.PagingDomainAlloc(rig.Dev("A"), IommuAllocFlags.None, out d));
        rig.Driver.AllocError = LinuxError.Success;
        Assert.Equal(LinuxError.Success, rig.Core.PagingDomainAlloc(rig.Dev("A"), IommuAllocFlags.NestParent, out d));
        Assert.Equal(IommuDomainType.Unmanaged, d!.Type);
        Assert.Same(rig.Driver, d.Driver);
    }
}
