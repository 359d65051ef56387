using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Scenarios.Iommu;

namespace VtdEmu.Workloads.Tests.Scenarios.Iommu;

public sealed class IommuScenarioParserTests
{
    private static ScenarioError SingleError(string text)
    {
        IommuScenarioParseResult result = IommuScenarioParser.Parse("t.iommu", text);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void ValidScenario_SetupAndCallsSeparated_ExpectationsKept()
    {
        IommuScenarioParseResult result = IommuScenarioParser.Parse("t.iommu", "device nic 00:19.0\nbind nic == 0\nowner-count nic == 1 # comment\ntoken t\n");

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Single(result.Scenario.Setup);
        Assert.Equal(3, result.Scenario.Steps.Length);
        Assert.Equal("owner-count nic", result.Scenario.Steps[1].Text);
        Assert.Equal("1", string.Join(' ', result.Scenario.Steps[1].Expected));
        Assert.Equal(2, result.Scenario.AssertionCount);
    }

    [Fact]
    public void UnknownVerb_ErrorWithLineColumnAndCaret()
    {
        ScenarioError error = SingleError("device nic 00:19.0\n  atach d nic\n");

        Assert.Equal(new SourceLocation("t.iommu", 2, 3), error.Location);
        Assert.Contains("unknown keyword 'atach'", error.Message, StringComparison.Ordinal);
        string[] lines = error.ToString().Split(Environment.NewLine);
        Assert.Equal("t.iommu:2:3: " + error.Message, lines[0]);
        Assert.Equal("      atach d nic", lines[1]);
        Assert.Equal("      ^", lines[2]);
    }

    [Fact]
    public void WrongOperandCount_NamesTheUsage()
    {
        ScenarioError error = SingleError("device nic 00:19.0\nmap\n");

        Assert.Equal(2, error.Location.Line);
        Assert.Contains("expected 'map DOM IOVA PADDR SIZE r|w|rw', found 0 operands", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameUsedBeforeItIsDefined_IsAnError()
    {
        ScenarioError error = SingleError("bind nic\ndevice nic 00:19.0\n");

        Assert.Equal(new SourceLocation("t.iommu", 1, 6), error.Location);
        Assert.Contains("'nic' is not defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenReused_IsAnError_WithTheFirstDefinition()
    {
        ScenarioError error = SingleError("device nic 00:19.0\ntoken t\ntoken t\n");

        Assert.Equal(new SourceLocation("t.iommu", 3, 7), error.Location);
        Assert.Contains("'t' is already defined (as a owner token at line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameOfTheWrongKind_IsAnError()
    {
        ScenarioError error = SingleError("device nic 00:19.0\ntoken t\nclaim-group t nic\n");

        Assert.Contains("'t' is a owner token (line 2), expected a device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetupAfterACall_IsAnError()
    {
        ScenarioError error = SingleError("device nic 00:19.0\nbind nic\ndevice b 00:01.0\n");

        Assert.Contains("must come before the first call (line 2)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("device nic 00:19.0\ntoken t == 0\n", "prints no result")]
    [InlineData("device nic 00:19.0\nbind nic ==\n", "needs the expected result")]
    [InlineData("device nic 00:19.0\nbind nic drivermanaged\n", "unknown option 'drivermanaged'")]
    [InlineData("device nic 00:19.0\ndevice b 00:19.0\n", "already used by another node")]
    [InlineData("device nic 00:19.0 acs=2\n", "bad value in 'acs=2'")]
    [InlineData("device nic 00:19.0\ndma-read nic 0 0x100001\n", "expected a length from 0 to 0x100000")]
    [InlineData("device nic 00:19.0\nalloc d shiny nic\n", "expected paging, identity or blocked")]
    [InlineData("device 0x10 00:19.0\n", "cannot be a name")]
    [InlineData("preset nope\n", "unknown preset 'nope'")]
    public void BadInput_ClearMessage(string text, string expected)
    {
        ScenarioError error = SingleError(text);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.Location.Column > 0);
    }

    [Fact]
    public void LanguageChosenByExtensionOrFirstLine()
    {
        Assert.True(IommuScenarioParser.IsIommuScenario("a.iommu", string.Empty));
        Assert.True(IommuScenarioParser.IsIommuScenario("a.txt", "#!iommu\ndevice a 00:01.0\n"));
        Assert.False(IommuScenarioParser.IsIommuScenario("a.scenario", "mmio-read32 0x0\n"));
    }
}
