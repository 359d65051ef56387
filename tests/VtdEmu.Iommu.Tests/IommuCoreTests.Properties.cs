using CsCheck;
using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// Property tests: random sequences of API calls on a small topology (group {A, B}, group {C}, one caller domain the
/// driver refuses for B); after every step the
/// spec-notes/iommu-core.md "Invariants" hold, and a refused call (an errno, or a WARN from a void call) leaves every
/// group and domain unchanged.
/// </summary>
public sealed partial class IommuCoreTests
{
    private const int OpKinds = 17;

    [Fact]
    public void RandomCallSequences_InvariantsHoldAndRefusalsChangeNothing()
    {
        Gen<(int Op, int A, int B, int C)> step = Gen.Select(Gen.Int[0, OpKinds - 1], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 2]);
        step.Array[1, 40].Sample(RunSequence, iter: 400);
    }

    private static void RunSequence((int Op, int A, int B, int C)[] steps)
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", maxPasids: 16);
        t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B", maxPasids: 16);
        PciTopologyNode rp2 = t.AddRootPort(new PciBdf(0, 0x1D, 0), acs: true, name: "RP2");
        t.AddEndpoint(rp2, new PciBdf(2, 0, 0), name: "C", maxPasids: 16);
        CoreRig rig = new(t);
        IommuDevice[] devs = [rig.Dev("A"), rig.Dev("B"), rig.Dev("C")];
        IommuGroup[] groups = [rig.Group("A"), rig.Group("C")];
        IommuDomain[] domains = [rig.NewDomain("A"), rig.NewDomain("A"), rig.NewDomain("A")];
        object?[] tokens = [null, s_t, s_t2];

        // Fault injection: the driver refuses the second caller domain on B, so attaching or replacing group {A, B}
        // to it fails after A moved and must roll A back.
        rig.Driver.FailAttachWhen = (dev, dom) => dev.Name == "B" && dom == domains[1].Ops;

        // iommu_device_release_dma_owner trusts its caller: with owner_cnt > 1 it decrements whether or not the device
        // claimed (spec-notes/iommu-core.md, Ownership). After such a stray release the count no longer covers the
        // owner, in Linux as here, so invariant (1) is not asked of that group again.
        var strayRelease = new HashSet<IommuGroup>();
        foreach ((int op, int a, int b, int c) in steps)
        {
            if (op == 6 && devs[a].Group is { Owner: null, OwnerCnt: > 1 } released)
            {
                strayRelease.Add(released);
            }

            object snapshot = Snapshot(rig, groups, domains);
            int warns = rig.Core.Diagnostics.WarnCount;
            string bound = BoundFlags(devs);
            LinuxError r = Apply(rig, op, devs[a], groups[a % 2], domains[b], tokens[c], (uint)(c + 1));
            bool refused = r != LinuxError.Success || rig.Core.Diagnostics.WarnCount != warns;
            if (refused)
            {
                Assert.Equal(snapshot, Snapshot(rig, groups, domains));
            }

            // A refused bind leaves the device unbound; a WARN in unbind still unbinds (dma_cleanup is void).
            if (r != LinuxError.Success)
            {
                Assert.Equal(bound, BoundFlags(devs));
            }

            foreach (IommuGroup g in groups)
            {
                AssertInvariants(rig, g, groups, domains, ownerCounted: !strayRelease.Contains(g));
            }
        }
    }

    private static LinuxError Apply(CoreRig rig, int op, IommuDevice dev, IommuGroup group, IommuDomain domain, object? token, uint pasid)
    {
        IommuCore core = rig.Core;
        switch (op)
        {
            case 0: return core.BindDriver(dev, driverManagedDma: false);
            case 1: return core.BindDriver(dev, driverManagedDma: true);
            case 2: core.UnbindDriver(dev); return LinuxError.Success;
            case 3: return core.GroupClaimDmaOwner(group, token);
            case 4: core.GroupReleaseDmaOwner(group); return LinuxError.Success;
            case 5: return core.DeviceClaimDmaOwner(dev, token);
            case 6: core.DeviceReleaseDmaOwner(dev); return LinuxError.Success;
            case 7: return core.AttachDevice(domain, dev);
            case 8: core.DetachDevice(domain, dev); return LinuxError.Success;
            case 9: return core.AttachGroup(domain, group);
            case 10: core.DetachGroup(domain, group); return LinuxError.Success;
            case 11: return core.GroupReplaceDomain(group, domain);
            case 12: return core.AttachDevicePasid(domain, dev, pasid);
            case 13: core.DetachDevicePasid(domain, dev, pasid); return LinuxError.Success;
            case 14: return core.AttachGroupHandle(domain, group, token);
            case 15: core.DetachGroupHandle(domain, group); return LinuxError.Success;
            default: return core.GroupStoreType(group, pasid == 1 ? IommuDomainType.DmaFq : IommuDomainType.Identity);
        }
    }

    private static void AssertInvariants(CoreRig rig, IommuGroup g, IommuGroup[] groups, IommuDomain[] domains, bool ownerCounted)
    {
        // "Invariants" (1) and (2): an owner implies a count and a non-default domain. Replace can only pick caller
        // domains here.
        if (g.Owner is not null)
        {
            Assert.True(g.OwnerCnt >= 1 || !ownerCounted, $"{g}: owner with owner_cnt 0");
            Assert.NotSame(g.DefaultDomain, g.Domain);
        }

        // (3): every member is programmed with the group's domain.
        rig.AssertProgrammed(g);

        // (5): a domain's user count equals the groups and PASIDs using it, so an attached domain cannot be freed.
        foreach (IommuDomain d in domains)
        {
            int users = 0;
            foreach (IommuGroup other in groups)
            {
                users += other.Domain == d ? 1 : 0;
                for (uint p = 1; p <= 3; p++)
                {
                    users += other.GetPasidDomain(p) == d ? 1 : 0;
                }
            }

            Assert.Equal(users, d.Users);
        }
    }

    private static object Snapshot(CoreRig rig, IommuGroup[] groups, IommuDomain[] domains) => string.Join(
        ";",
        groups.Select(g => GroupState.Of(g, rig.Core).WithoutWarns().ToString() + $" pasids={g.GetPasidDomain(0)?.GetHashCode()},{g.GetPasidDomain(1)?.GetHashCode()},{g.GetPasidDomain(2)?.GetHashCode()},{g.GetPasidDomain(3)?.GetHashCode()}" +
            $" def={g.DefaultDomain?.Type}")
            .Concat(domains.Select(d => d.Users.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static string BoundFlags(IommuDevice[] devs) => string.Join(",", devs.Select(d => d.IsDriverBound));
}
