using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// The three attach policies on the cases the January 2022 review discussed (spec-notes/ownership-policies.md):
/// each row runs one call sequence on a fresh group {A, B} (or {A}) under every policy and compares the returned
/// errnos and the final (owner_cnt, attach_cnt, domain) with what that policy's rules give.
/// </summary>
public sealed partial class IommuCoreTests
{
    private const string Def = "def";
    private const string D1 = "D1";

    public static TheoryData<string, string, string, string> PolicyRows => new()
    {
        // A driver-managed driver (vfio-like) on A attaches D1 to the multi-device group.
        { "bindM A; attach D1 A", "0 -22 | 0 0 def", "0 0 | 1 1 D1", "0 0 | 1 0 D1" },

        // B, also driver-managed, attaches the same domain: shared under both proposals.
        { "bindM A; bindM B; attach D1 A; attach D1 B", "0 0 -22 -22 | 0 0 def", "0 0 0 0 | 2 2 D1", "0 0 0 0 | 2 0 D1" },

        // B asks for a different domain: EPERM in the patch, EBUSY in the proposal.
        { "bindM A; bindM B; attach D1 A; attach D2 B", "0 0 -22 -22 | 0 0 def", "0 0 0 -1 | 1 1 D1", "0 0 0 -16 | 1 0 D1" },

        // A DMA-API driver on A switches the group out of DMA-API mode: only the reviewer's proposal allows it.
        { "bind A; attach D1 A", "0 -22 | 1 0 def", "0 -16 | 1 0 def", "0 0 | 1 0 D1" },

        // ... and then no DMA-API driver may bind to B.
        { "bind A; attach D1 A; bind B", "0 -22 0 | 2 0 def", "0 -16 0 | 2 0 def", "0 0 -16 | 1 0 D1" },

        // Two DMA-API users: every policy refuses the attach.
        { "bind A; bind B; attach D1 A", "0 0 -22 | 2 0 def", "0 0 -16 | 2 0 def", "0 0 -16 | 2 0 def" },

        // A claimed group: attach_device is refused (mainline by the device count).
        { "bindM A; claim; attach D1 A", "0 0 -22 | 1 0 blk", "0 0 -16 | 1 0 blk", "0 0 -16 | 1 0 blk" },

        // The last detach restores the default domain under both proposals; the counts return to 0.
        { "bindM A; bindM B; attach D1 A; attach D1 B; detach D1 A; detach D1 B", "0 0 -22 -22 0 0 | 0 0 def", "0 0 0 0 0 0 | 0 0 def", "0 0 0 0 0 0 | 0 0 def" },

        // Unbinding a DMA-API driver that attached and never detached, on a singleton: the patch leaks owner_cnt
        // (a claim says EPERM: "in use"), the others leave the group on D1 with owner_cnt 0 (a claim says EBUSY).
        { "single; bind A; attach D1 A; unbind A; claim", "0 0 0 -16 | 0 0 D1", "0 0 0 -1 | 1 1 D1", "0 0 0 -16 | 0 0 D1" },

        // A group-level detach under the patch leaves attach_cnt and owner_cnt behind: the stale owner_cnt now reads
        // as "DMA-API use of a multi-device group" and nobody can attach again; the proposal leaks owner_cnt the same way.
        { "bindM A; attach D1 A; detachgroup; attach D1 A", "0 -22 0 -22 | 0 0 def", "0 0 0 -16 | 1 1 def", "0 0 0 -16 | 1 0 def" },
    };

    [Theory]
    [MemberData(nameof(PolicyRows))]
    public void AttachPolicies_ReviewCases_EachPolicyFollowsItsRules(string steps, string mainline, string attachCount, string driverFlag)
    {
        Assert.Equal(mainline, RunPolicyRow(IommuAttachPolicy.Mainline, steps));
        Assert.Equal(attachCount, RunPolicyRow(IommuAttachPolicy.AttachCount, steps));
        Assert.Equal(driverFlag, RunPolicyRow(IommuAttachPolicy.DriverFlag, steps));
    }

    [Fact]
    public void AttachPolicy_TryParse_KnowsTheThreeNamesOnly()
    {
        Assert.Equal(["mainline", "attach-count", "driver-flag"], IommuAttachPolicy.All.Select(p => p.Name));
        Assert.True(IommuAttachPolicy.TryParse("Attach-Count", out IommuAttachPolicy? p));
        Assert.Same(IommuAttachPolicy.AttachCount, p);
        Assert.False(IommuAttachPolicy.TryParse("attach_count", out _));
        Assert.False(IommuAttachPolicy.TryParse(null, out _));
        Assert.Same(IommuAttachPolicy.Mainline, CoreRig.Pair().Core.AttachPolicy);
    }

    [Fact]
    public void AttachPolicies_DomainAttachedBy_NamesTheAttachingDevicesUntilTheDomainChanges()
    {
        CoreRig rig = CoreRig.Pair(attachPolicy: IommuAttachPolicy.AttachCount);
        IommuDomain d = rig.NewDomain("A");
        IommuGroup g = rig.Group("A");

        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("B")));
        Assert.Equal([rig.Dev("A"), rig.Dev("B")], g.DomainAttachedBy);
        rig.Core.DetachDevice(d, rig.Dev("A"));
        Assert.Equal([rig.Dev("B")], g.DomainAttachedBy);
        rig.Core.DetachDevice(d, rig.Dev("B"));
        Assert.Empty(g.DomainAttachedBy);
        Assert.Same(g.DefaultDomain, g.Domain);
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void AttachPolicies_UnboundDeviceUnderDriverFlag_EinvalNoCallingContext()
    {
        CoreRig rig = CoreRig.Pair(attachPolicy: IommuAttachPolicy.DriverFlag);
        GroupState before = rig.State("A");

        Assert.Equal(LinuxError.EINVAL, rig.Core.AttachDevice(rig.NewDomain("A"), rig.Dev("A")));

        Assert.Equal(before, rig.State("A"));
    }

    /// <summary>Runs ';'-separated steps; returns the errnos (negated, 0 = success) and "| owner_cnt attach_cnt domain".</summary>
    private static string RunPolicyRow(IommuAttachPolicy policy, string steps)
    {
        string[] calls = steps.Split(';', StringSplitOptions.TrimEntries);
        bool single = calls[0] == "single";
        CoreRig rig = single ? CoreRig.Singleton(attachPolicy: policy) : CoreRig.Pair(attachPolicy: policy);
        IommuGroup g = rig.Group("A");
        Dictionary<string, IommuDomain> domains = new() { [D1] = rig.NewDomain("A"), ["D2"] = rig.NewDomain("A") };
        List<string> results = [];
        foreach (string call in calls.Skip(single ? 1 : 0))
        {
            string[] w = call.Split(' ');
            LinuxError r = w[0] switch
            {
                "bind" => rig.Core.BindDriver(rig.Dev(w[1]), driverManagedDma: false),
                "bindM" => rig.Core.BindDriver(rig.Dev(w[1]), driverManagedDma: true),
                "unbind" => Void(() => rig.Core.UnbindDriver(rig.Dev(w[1]))),
                "claim" => rig.Core.GroupClaimDmaOwner(g, s_t),
                "attach" => rig.Core.AttachDevice(domains[w[1]], rig.Dev(w[2])),
                "detach" => Void(() => rig.Core.DetachDevice(domains[w[1]], rig.Dev(w[2]))),
                "detachgroup" => Void(() => rig.Core.DetachGroup(null, g)),
                _ => throw new ArgumentException(call),
            };
            results.Add((-(int)r).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        rig.AssertProgrammed(g);
        string domain = g.Domain == g.DefaultDomain ? Def : g.Domain == g.BlockingDomain ? "blk" : domains.First(kv => kv.Value == g.Domain).Key;
        return $"{string.Join(' ', results)} | {g.OwnerCnt} {g.AttachCnt} {domain}";
    }

    private static LinuxError Void(Action call)
    {
        call();
        return LinuxError.Success;
    }
}
