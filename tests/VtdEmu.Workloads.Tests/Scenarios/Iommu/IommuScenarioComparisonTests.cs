using VtdEmu.Workloads.Scenarios.Iommu;

namespace VtdEmu.Workloads.Tests.Scenarios.Iommu;

/// <summary>
/// The review's multi-device-group questions, answered by running the examples under the three policies
/// (spec-notes/ownership-policies.md): the policies must disagree exactly where the rules say they do.
/// </summary>
public sealed class IommuScenarioComparisonTests
{
    private static IommuScenarioComparison Compare(string name)
    {
        string path = Path.Combine(RepoFiles.Root, "examples", name);
        IommuScenarioParseResult parsed = IommuScenarioParser.Parse(path, File.ReadAllText(path));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        return IommuScenarioComparison.Run(parsed.Scenario);
    }

    private static string[] ResultsAt(IommuScenarioComparison comparison, int line) =>
        [.. comparison.Differences.Single(d => d.Step.Location.Line == line).Records.Select(r => r.Result ?? "-")];

    [Fact]
    public void MultiDeviceGroup_AttachWhileAnotherFunctionUsesTheDmaApi_OnlyAttachCountSaysBusy()
    {
        IommuScenarioComparison comparison = Compare("13-multi-device-attach-review.iommu");

        // Policies in order: mainline, attach-count, driver-flag.
        Assert.Equal(["-EINVAL", "0", "-EINVAL"], ResultsAt(comparison, 9));     // unbound: only attach-count lets it through
        Assert.Equal(["-EINVAL", "-EBUSY", "-EINVAL"], ResultsAt(comparison, 12)); // audio's DMA-API driver bound
        IommuStepDifference first = comparison.Differences[0];
        Assert.True(first.GroupsDiffer && first.HardwareDiffers);
    }

    [Fact]
    public void MultiDeviceGroup_SharedDomain_CountedByAttachCountAndDriverFlag_DifferentDomainRefused()
    {
        IommuScenarioComparison comparison = Compare("14-multi-device-shared-domain.iommu");

        Assert.Equal(["-EINVAL", "0", "0"], ResultsAt(comparison, 9));
        Assert.Equal(["-EINVAL", "0", "0"], ResultsAt(comparison, 10));
        Assert.Equal(["-EINVAL", "-EPERM", "-EBUSY"], ResultsAt(comparison, 11)); // a different domain in the same group
        Assert.Equal(["0", "2", "2"], ResultsAt(comparison, 12));                 // every attach raised owner_cnt
        Assert.DoesNotContain(comparison.Differences, d => d.Step.Location.Line == 15); // the last detach restores the default everywhere
    }

    [Fact]
    public void SingletonExamples_PoliciesAgree()
    {
        IommuScenarioComparison comparison = Compare("02-claim-group-tokens.iommu");

        Assert.Empty(comparison.Differences);
    }
}
