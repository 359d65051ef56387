using VtdEmu.Iommu;

namespace VtdEmu.Workloads.Tests.Ownership;

/// <summary>
/// The three attach policies run on a real unit (Intel driver, register invalidation) on the cases where the review
/// said they differ, with the <c>IsolationChecker</c> after every step: what each returns, and what each lets through
/// (spec-notes/ownership-policies.md holds the table these rows reproduce).
/// </summary>
public sealed class OwnershipPolicyRunsTests
{
    public static TheoryData<string, string, string, string> Rows => new()
    {
        // A DMA-API driver of a multi-device group attaches a domain: refused by mainline (EINVAL, device count) and by
        // the patch (EBUSY, DMA-API use), allowed by the proposal (the automatic switch); B's DMA-API driver is then
        // refused. Nothing slips through under any policy.
        { "bind A; attach D1 A; bind B", "0 -22 0 | ", "0 -16 0 | ", "0 0 -16 | " },

        // Two driver-managed drivers share one domain; the second asks for another one.
        { "bindM A; bindM B; attach D1 A; attach D1 B; attach D2 B", "0 0 -22 -22 -22 | ", "0 0 0 0 -1 | ", "0 0 0 0 -16 | " },

        // A driver attaches on a singleton and unbinds without detaching; another DMA-API driver binds. The patch
        // refuses the bind (its extra owner_cnt is still up) but leaks that count: nothing holds the group and it can
        // never be claimed. Mainline and the proposal bind the new driver onto the stale domain.
        { "bind S; attach D1 S; unbind S; bind S", "0 0 0 0 | 4: DmaApiDriverOffDefaultDomain S", "0 0 0 -16 | 3: OwnerCountLeak; 4: OwnerCountLeak", "0 0 0 0 | 4: DmaApiDriverOffDefaultDomain S" },

        // Under the proposal a driver-managed sibling joins the DMA-API driver's domain; the DMA-API driver detaches
        // (back to the default domain under B's feet) and both unbind: owner_cnt stays up.
        { "bind A; attach D1 A; bindM B; attach D1 B; detach D1 A; unbind A; unbind B", "0 -22 0 -22 0 0 0 | ", "0 -16 0 -16 0 0 0 | ", "0 0 0 0 0 0 0 | 7: OwnerCountLeak" },

        // A group attach without claiming ownership (spec-notes/iommu-core.md, scenario 26), the same in every policy:
        // A's DMA API mappings stop applying.
        { "bind A; attachgroup D1 A", "0 0 | 2: DmaApiDriverOffDefaultDomain A", "0 0 | 2: DmaApiDriverOffDefaultDomain A", "0 0 | 2: DmaApiDriverOffDefaultDomain A" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Policies_ReviewCases_ReturnsAndFindingsPerPolicy(string steps, string mainline, string attachCount, string driverFlag)
    {
        Assert.Equal(mainline, Run(IommuAttachPolicy.Mainline, steps));
        Assert.Equal(attachCount, Run(IommuAttachPolicy.AttachCount, steps));
        Assert.Equal(driverFlag, Run(IommuAttachPolicy.DriverFlag, steps));
    }

    [Fact]
    public void Checker_ForgottenContextInvalidation_ReportsStaleTranslationFromTheLeftDomain()
    {
        OwnershipRig rig = new(IommuAttachPolicy.Mainline);

        string r = rig.Run("mapdefault S; forget; claim S");

        Assert.Equal("0 0 0", r);
        Assert.Equal(["3: StaleTranslation S"], rig.Findings);
    }

    [Fact]
    public void Checker_WithInvalidations_ClaimIsClean()
    {
        OwnershipRig rig = new(IommuAttachPolicy.Mainline);

        Assert.Equal("0 0", rig.Run("mapdefault S; claim S"));

        Assert.Empty(rig.Findings);
    }

    [Fact]
    public void Checker_OneDeviceKeepsItsCachedContext_ReportsSplitAddressSpace()
    {
        // Only A's device-selective context invalidation is lost: A still walks the default domain, B is blocked.
        OwnershipRig rig = new(IommuAttachPolicy.Mainline, forgetSid: 0x0100);

        Assert.Equal("0 0 0", rig.Run("mapdefault A; forget; claim A"));

        Assert.Equal(["3: StaleTranslation A", "3: SplitAddressSpace B"], rig.Findings);
    }

    private static string Run(IommuAttachPolicy policy, string steps)
    {
        OwnershipRig rig = new(policy);
        string returns = rig.Run(steps);
        return $"{returns} | {string.Join("; ", rig.Findings)}";
    }
}
