using VtdEmu.Iommu;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Scenarios.Iommu;

namespace VtdEmu.Workloads.Tests.Scenarios.Iommu;

/// <summary>Every example in examples/ is a test: its assertions hold under the mainline policy, and it runs under every policy.</summary>
public sealed class IommuScenarioExampleTests
{
    public static TheoryData<string> Examples() => [.. RepoFiles.Examples().Select(f => Path.GetFileName(f))];

    private static IommuScenario Load(string name)
    {
        string path = Path.Combine(RepoFiles.Root, "examples", name);
        IommuScenarioParseResult parsed = IommuScenarioParser.Parse(path, File.ReadAllText(path));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        return parsed.Scenario;
    }

    [Fact]
    public void AtLeastADozenExamples() => Assert.True(RepoFiles.Examples().Length >= 12);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_EveryAssertionHolds_UnderMainline(string name)
    {
        IommuScenario scenario = Load(name);
        using var output = new StringWriter();

        IommuScenarioRunResult result = IommuScenarioRunner.Run(scenario, IommuAttachPolicy.Mainline, output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.True(result.AssertionsChecked > 0);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_RunsToTheEnd_UnderEveryPolicy(string name)
    {
        IommuScenario scenario = Load(name);
        foreach (IommuAttachPolicy policy in IommuAttachPolicy.All)
        {
            IommuScenarioRunResult result = IommuScenarioRunner.Run(scenario, policy, TextWriter.Null);

            Assert.Equal(scenario.Steps.Length, result.Records.Length);
            Assert.DoesNotContain(result.Failures, f => f.Message.Contains("the core refused the call", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void FailedAssertion_ReportsExpectedAndActual_AndTheRunGoesOn()
    {
        IommuScenario scenario = IommuScenarioParser.Parse("t.iommu", "device nic 00:19.0\nbind nic == -EBUSY\nowner-count nic == 1\n").Scenario!;

        IommuScenarioRunResult result = IommuScenarioRunner.Run(scenario, IommuAttachPolicy.Mainline, TextWriter.Null);

        ScenarioError failure = Assert.Single(result.Failures);
        Assert.Equal("bind nic: expected -EBUSY, actual 0", failure.Message);
        Assert.Equal(2, failure.Location.Line);
    }

    [Fact]
    public void DomainWhoseAllocFailed_ReportedOnTheLineThatUsesIt()
    {
        // The root port has no paging domain to give when 'nic' is not behind the IOMMU... use a freed domain instead.
        IommuScenario scenario = IommuScenarioParser.Parse("t.iommu", "device nic 00:19.0\nalloc d paging nic\nfree d == 0\nmap d 0 0 0x1000 rw\n").Scenario!;

        IommuScenarioRunResult result = IommuScenarioRunner.Run(scenario, IommuAttachPolicy.Mainline, TextWriter.Null);

        ScenarioError failure = Assert.Single(result.Failures);
        Assert.Equal(4, failure.Location.Line);
        Assert.Contains("domain 'd' was freed", failure.Message, StringComparison.Ordinal);
    }
}
