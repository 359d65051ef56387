using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>spec-notes/iommu-core.md "Default domain": type selection, the sysfs type store, strict vs lazy.</summary>
public sealed partial class IommuCoreTests
{
    public static TheoryData<IommuDmaPolicy, IommuDomainType> PolicyTypes => new()
    {
        { IommuDmaPolicy.Strict, IommuDomainType.Dma },
        { IommuDmaPolicy.Lazy, IommuDomainType.DmaFq },
        { IommuDmaPolicy.Passthrough, IommuDomainType.Identity },
    };

    [Theory]
    [MemberData(nameof(PolicyTypes))]
    public void Probe_TrustedGroup_GetsPolicyType(IommuDmaPolicy policy, IommuDomainType expected)
    {
        CoreRig rig = CoreRig.Singleton(policy);
        IommuGroup g = rig.Group("A");
        Assert.Equal(expected, g.DefaultDomain!.Type);
        Assert.Same(g.DefaultDomain, g.Domain);
        Assert.Equal(expected == IommuDomainType.DmaFq, g.DefaultDomain.FlushQueue is not null);
        rig.AssertProgrammed(g);
    }

    [Theory]
    [MemberData(nameof(PolicyTypes))]
    public void Probe_UntrustedDevice_ForcesStrictDma(IommuDmaPolicy policy, IommuDomainType globalType)
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", untrusted: true);
        CoreRig rig = new(t, policy);
        Assert.Equal(IommuDomainType.Dma, rig.Group("A").DefaultDomain!.Type);
        Assert.Equal(globalType, rig.Group("RP").DefaultDomain!.Type);
    }

    [Fact]
    public void Probe_UnitWithoutPassthrough_FallsBackToDma()
    {
        // Scenario 53: ECAP.PT = 0 — the VT-d driver states DMA as its preference; a driver without an identity
        // domain also falls back to DMA when the preference is absent.
        FakeIommuDriver prefers = new() { Preference = _ => IommuDomainType.Dma };
        Assert.Equal(IommuDomainType.Dma, CoreRig.Singleton(IommuDmaPolicy.Passthrough, prefers).Group("A").DefaultDomain!.Type);

        FakeIommuDriver noIdentity = new(hasIdentityDomain: false);
        Assert.Equal(IommuDomainType.Dma, CoreRig.Singleton(IommuDmaPolicy.Passthrough, noIdentity).Group("A").DefaultDomain!.Type);
    }

    [Fact]
    public void Probe_DriverForcesIdentityOnUntrusted_NoDefaultDomain()
    {
        // Scenario 53: the device refuses to probe (-EINVAL).
        FakeIommuDriver driver = new() { Preference = d => d.Name == "A" ? IommuDomainType.Identity : null };
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), name: "RP");
        PciTopologyNode a = t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", untrusted: true);
        CoreRig rig = new(t, driver: driver, probe: false);
        Assert.Equal(LinuxError.Success, rig.Core.AddDevice(rp, out _));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AddDevice(a, out IommuDevice? dev));
        Assert.Null(dev!.Group!.DefaultDomain);
        Assert.Equal(LinuxError.EPROBE_DEFER, rig.Core.BindDriver(dev, false));
    }

    [Fact]
    public void Probe_ConflictingPreferences_IdentityWins()
    {
        FakeIommuDriver driver = new() { Preference = d => d.Name == "A" ? IommuDomainType.Dma : IommuDomainType.Identity };
        CoreRig rig = CoreRig.Pair(driver: driver);
        Assert.Equal(IommuDomainType.Identity, rig.Group("A").DefaultDomain!.Type);
    }

    [Fact]
    public void Probe_FirstAttachFails_WarnsAndKeepsDomainAsDefault()
    {
        FakeIommuDriver driver = new();
        driver.FailAttach.Add("A");
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuGroup g = rig.Group("A");
        Assert.NotNull(g.DefaultDomain);
        Assert.Same(g.DefaultDomain, g.Domain);
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.MustSucceedAttachFailed));
    }

    [Fact]
    public void GroupStoreType_DmaToDmaFqWithDriverBound_LiveUpgrade()
    {
        // Scenario 54.
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("A"), false));
        IommuDomain def = g.DefaultDomain!;
        int attaches = rig.Driver.AttachCallCount;

        Assert.Equal(LinuxError.Success, rig.Core.GroupStoreType(g, IommuDomainType.DmaFq));
        Assert.Same(def, g.DefaultDomain);
        Assert.Equal(IommuDomainType.DmaFq, def.Type);
        Assert.NotNull(def.FlushQueue);
        Assert.Equal(attaches, rig.Driver.AttachCallCount);

        Assert.Equal(LinuxError.EPERM, rig.Core.GroupStoreType(g, IommuDomainType.Identity));
        Assert.Same(def, g.DefaultDomain);

        rig.Core.UnbindDriver(rig.Dev("A"));
        Assert.Equal(LinuxError.Success, rig.Core.GroupStoreType(g, IommuDomainType.Identity));
        Assert.Equal(IommuDomainType.Identity, g.DefaultDomain!.Type);
        Assert.Same(g.DefaultDomain, g.Domain);
        Assert.True(def.IsFreed);
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void GroupStoreType_InvalidTypeOrConflictingPreference_EINVAL()
    {
        FakeIommuDriver driver = new() { Preference = _ => IommuDomainType.Dma };
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuGroup g = rig.Group("A");
        GroupState before = rig.State("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupStoreType(g, IommuDomainType.Unmanaged));
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupStoreType(g, IommuDomainType.Identity));
        Assert.Equal(before, rig.State("A"));
    }

    [Fact]
    public void GroupStoreType_NewDomainAttachFails_OldDefaultRestored()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        GroupState before = rig.State("A");
        rig.Driver.FailAttachWhen = (_, dom) => dom.Kind == IommuDomainType.Identity;
        Assert.Equal(LinuxError.EINVAL, rig.Core.GroupStoreType(g, IommuDomainType.Identity));
        Assert.Equal(before, rig.State("A"));
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void GroupStoreType_SameType_NoChange()
    {
        CoreRig rig = CoreRig.Singleton(IommuDmaPolicy.Passthrough);
        IommuGroup g = rig.Group("A");
        int attaches = rig.Driver.AttachCallCount;
        Assert.Equal(LinuxError.Success, rig.Core.GroupStoreType(g, IommuDomainType.Identity));
        Assert.Equal(attaches, rig.Driver.AttachCallCount);
    }

    [Fact]
    public void Unmap_StrictVersusLazy_FlushPattern()
    {
        // Scenario 57 (core part): strict syncs the range at once; DMA_FQ defers to one flush_iotlb_all per drain.
        CoreRig strict = CoreRig.Singleton(IommuDmaPolicy.Strict);
        IommuDomain sd = strict.Group("A").DefaultDomain!;
        Assert.Equal(LinuxError.Success, strict.Core.Map(sd, 0x1000, 0x1000, K4, Rw));
        Assert.Equal(K4, strict.Core.Unmap(sd, 0x1000, K4));
        Assert.Equal([(0x1000UL, 0x1FFFUL)], ((FakeDomain)sd.Ops).IotlbSyncs);
        Assert.Equal(0, ((FakeDomain)sd.Ops).FlushAllCalls);

        CoreRig lazy = CoreRig.Singleton(IommuDmaPolicy.Lazy);
        IommuDomain ld = lazy.Group("A").DefaultDomain!;
        FakeDomain fake = (FakeDomain)ld.Ops;
        Assert.Equal(LinuxError.Success, lazy.Core.Map(ld, 0x1000, 0x1000, 2 * K4, Rw));
        Assert.Equal(K4, lazy.Core.Unmap(ld, 0x1000, K4));
        Assert.Equal(K4, lazy.Core.Unmap(ld, 0x2000, K4));
        Assert.Empty(fake.IotlbSyncs);
        Assert.Equal(0, fake.FlushAllCalls);
        Assert.Equal(2, ld.FlushQueue!.Count);

        Assert.Equal(2, ld.FlushQueue.Drain());
        Assert.Equal(1, fake.FlushAllCalls);
        Assert.Equal(0, ld.FlushQueue.Count);
        Assert.Equal(0, ld.FlushQueue.Drain());
        Assert.Equal(1, fake.FlushAllCalls);
    }

    [Fact]
    public void Unmap_LazyQueueFull_DrainsBeforeNextEntry()
    {
        CoreRig lazy = CoreRig.Singleton(IommuDmaPolicy.Lazy);
        IommuDomain ld = lazy.Group("A").DefaultDomain!;
        int capacity = ld.FlushQueue!.Capacity;
        Assert.Equal(IommuFlushQueue.DefaultCapacity, capacity);
        Assert.Equal(LinuxError.Success, lazy.Core.Map(ld, 0, 0, (ulong)(capacity + 1) * K4, Rw));
        for (int i = 0; i < capacity; i++)
        {
            Assert.Equal(K4, lazy.Core.Unmap(ld, (ulong)i * K4, K4));
        }

        Assert.Equal(0, ((FakeDomain)ld.Ops).FlushAllCalls);
        Assert.Equal(K4, lazy.Core.Unmap(ld, (ulong)capacity * K4, K4));
        Assert.Equal(1, ((FakeDomain)ld.Ops).FlushAllCalls);
        Assert.Equal(1, ld.FlushQueue.Count);
        Assert.Equal(1, ld.FlushQueue.DrainCount);
    }

    [Fact]
    public void Probe_PasidCapableDevice_AsksForPasidDomainThenRetries()
    {
        FakeIommuDriver driver = new() { SupportedFlags = IommuAllocFlags.None };
        CoreRig rig = CoreRig.Pair(driver: driver, maxPasids: 16);
        Assert.Equal(IommuDomainType.Dma, rig.Group("A").DefaultDomain!.Type);
    }
}
