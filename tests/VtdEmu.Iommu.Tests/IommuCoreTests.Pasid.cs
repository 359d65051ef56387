using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// spec-notes/iommu-core.md "Replace and group handles" and "PASID". The PASID cases without fault injection also run
/// on the Intel driver over scalable units with PASID support (first- and second-level tables).
/// </summary>
public sealed partial class IommuCoreTests
{
    private const uint MaxPasids = 1 << 20;

    /// <summary>The fake driver and the Intel driver on PASID-capable scalable units.</summary>
    public static TheoryData<string> PasidBackends => [.. CoreRig.PasidBackendNames];

    [Theory]
    [MemberData(nameof(PasidBackends))]
    public void AttachDevicePasid_BlocksOwnershipAndLaterBinders(string backend)
    {
        // Scenario 36 (a), (b), (c).
        CoreRig rig = CoreRig.Pair(maxPasids: MaxPasids, backend: backend);
        IommuGroup g = rig.Group("A");
        IommuDomain d = rig.NewDomain("A");

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(d, rig.Dev("A"), 5));
        rig.AssertProgrammedPasid(rig.Dev("A"), 5, d);
        rig.AssertProgrammedPasid(rig.Dev("B"), 5, d);
        Assert.Equal(LinuxError.EBUSY, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));

        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("B"), false));
        Assert.Equal((null, 1u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(LinuxError.EBUSY, rig.Core.BindDriver(rig.Dev("A"), false));

        rig.Core.UnbindDriver(rig.Dev("B"));
        Assert.Equal(1u, g.OwnerCnt);
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.UnuseWithoutUse));

        rig.Core.DetachDevicePasid(d, rig.Dev("A"), 5);
        rig.AssertProgrammedPasid(rig.Dev("A"), 5, null);
        Assert.Equal(LinuxError.EPERM, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal(1u, g.OwnerCnt);
    }

    [Theory]
    [MemberData(nameof(PasidBackends))]
    public void DetachDevicePasid_BeforeUnbind_ClaimWorks(string backend)
    {
        // Scenario 36 (d).
        CoreRig rig = CoreRig.Pair(maxPasids: MaxPasids, backend: backend);
        IommuGroup g = rig.Group("A");
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(d, rig.Dev("A"), 5));
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(rig.Dev("B"), false));
        rig.Core.DetachDevicePasid(d, rig.Dev("A"), 5);
        rig.Core.UnbindDriver(rig.Dev("B"));
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
    }

    [Theory]
    [MemberData(nameof(PasidBackends))]
    public void AttachDevicePasid_ArgumentChecks(string backend)
    {
        // Scenario 37.
        CoreRig rig = CoreRig.Pair(maxPasids: 256, backend: backend);
        IommuDevice a = rig.Dev("A");
        IommuDomain d = rig.NewDomain("A");
        IommuDomain d2 = rig.NewDomain("A");
        object h1 = new();
        object h2 = new();

        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevicePasid(d, a, 0));
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevicePasid(d, a, 256));
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevicePasid(d, a, 100, h1));
        Assert.Equal(LinuxError.EBUSY, rig.Core.AttachDevicePasid(d, a, 100, h2));
        Assert.Equal(LinuxError.EBUSY, rig.Core.AttachDevicePasid(d2, a, 100, h2));
        Assert.Equal(LinuxError.EINVAL, rig.Core.ReplaceDevicePasid(d2, a, 101, h2));
        Assert.Equal(LinuxError.EINVAL, rig.Core.ReplaceDevicePasid(d2, a, 100, null));
        Assert.Equal(LinuxError.EINVAL, rig.Core.ReplaceDevicePasid(d2, a, 100, h1));
        Assert.Equal(1, rig.Core.Diagnostics.Count(IommuWarning.PasidReplaceSameHandle));

        Assert.Equal(LinuxError.Success, rig.Core.ReplaceDevicePasid(d2, a, 100, h2));
        Assert.Same(d2, rig.Group("A").GetPasidDomain(100));
        rig.AssertProgrammedPasid(a, 100, d2);
        Assert.Equal((0, 1), (d.Users, d2.Users));

        rig.Core.DetachDevicePasid(d2, a, 100);
        rig.AssertProgrammedPasid(a, 100, null);
        Assert.Null(rig.Group("A").GetPasidDomain(100));
        Assert.Equal(0, rig.Group("A").PasidCount);
        Assert.Equal(0, d2.Users);
    }

    [Fact]
    public void AttachDevicePasid_UnsupportedOrForeign_EOPNOTSUPPOrENODEV()
    {
        CoreRig rig = CoreRig.Pair(maxPasids: 16);
        IommuDomain d = rig.NewDomain("A");
        rig.Driver.DomainsSupportPasid = false;
        Assert.Equal(LinuxError.EOPNOTSUPP, rig.Core.AttachDevicePasid(d, rig.Dev("A"), 1));
        Assert.Equal(0, rig.Group("A").PasidCount);
    }

    [Fact]
    public void AttachDevicePasid_SecondDeviceFails_RollsBackFirst()
    {
        CoreRig rig = CoreRig.Pair(maxPasids: 16);
        IommuDomain d = rig.NewDomain("A");
        rig.Driver.FailSetPasid.Add("B");
        Assert.Equal(LinuxError.ENOMEM, rig.Core.AttachDevicePasid(d, rig.Dev("A"), 3));
        Assert.Null(rig.Driver.ProgrammedPasid(rig.Dev("A"), 3));
        Assert.Equal(0, rig.Group("A").PasidCount);
        Assert.Equal(0, d.Users);
    }

    [Fact]
    public void AttachGroupHandle_BlocksReleaseUntilDetached()
    {
        // Scenario 38.
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        object h = new();
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroupHandle(d, g, null));
        Assert.Equal(LinuxError.Success, rig.Core.AttachGroupHandle(d, g, h));
        Assert.Equal(LinuxError.EBUSY, rig.Core.AttachGroupHandle(d, g, new object()));
        Assert.Equal(1, g.PasidCount);

        GroupState before = rig.State("A");
        rig.Core.GroupReleaseDmaOwner(g);
        Assert.Equal(before with { WarnCount = 1 }, rig.State("A"));
        Assert.Equal(LinuxError.EBUSY, rig.Core.DeviceUseDefaultDomain(rig.Dev("B")));

        rig.Core.DetachGroupHandle(d, g);
        Assert.Equal((s_t, 1u, g.BlockingDomain, 0), (g.Owner, g.OwnerCnt, g.Domain, g.PasidCount));
        rig.Core.GroupReleaseDmaOwner(g);
        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
    }

    [Fact]
    public void AttachGroupHandle_AttachFails_SlotReleased()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuGroup g = rig.Group("A");
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(g, s_t));
        rig.Driver.FailAttach.Add("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachGroupHandle(rig.NewDomain("A"), g, new object()));
        Assert.Equal(0, g.PasidCount);
        Assert.Same(g.BlockingDomain, g.Domain);
    }
}
