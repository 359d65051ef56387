using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Scenarios.Iommu;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>Keeps the format reference honest: its examples go through the real parsers.</summary>
public sealed class VectorsReadmeTests
{
    private static readonly string s_readme = File.ReadAllText(FindReadme());

    private static string FindReadme()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "vectors", "README.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/vectors/README.md not found above the test binaries");
    }

    /// <summary>The first fenced block after <paramref name="heading"/>.</summary>
    private static string Block(string heading)
    {
        int start = s_readme.IndexOf("```\n", s_readme.IndexOf(heading, StringComparison.Ordinal), StringComparison.Ordinal) + 4;
        return s_readme[start..s_readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Example_Parses()
    {
        ScenarioParseResult result = ScenarioParser.Parse("README.md", Block("## Example"));

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(9, result.Scenario.Commands.Length);
        Assert.Equal(5, result.Scenario.AssertionCount);
    }

    [Fact]
    public void Example_RunsOnThePlatform_EveryAssertionHolds()
    {
        ScenarioParseResult parsed = ScenarioParser.Parse("README.md", Block("## Example"));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        using var output = new StringWriter();

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario, new PlatformScenarioTargetFactory(), output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal(5, result.AssertionsChecked);
    }

    [Fact]
    public void IommuExample_RunsUnderMainline_EveryAssertionHolds()
    {
        IommuScenarioParseResult parsed = IommuScenarioParser.Parse("README.md", Block("## The IOMMU-level language"));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));

        IommuScenarioRunResult result = IommuScenarioRunner.Run(parsed.Scenario, VtdEmu.Iommu.IommuAttachPolicy.Mainline, TextWriter.Null);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal(5, result.AssertionsChecked);
    }

    [Fact]
    public void EveryRegisterLevelCommand_IsDocumentedInTheCommandsTable()
    {
        foreach (ScenarioCommandKind kind in Enum.GetValues<ScenarioCommandKind>())
        {
            string name = new ScenarioCommand(kind, new SourceLocation("x", 1), 0).Name;
            Assert.Contains($"| `{name} ", s_readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TraceExample_Parses()
    {
        string[] lines = Block("## DMA traces").Split('\n');
        int accesses = 0;
        foreach (string line in lines)
        {
            if (TraceReader.TryParseLine(line, new SourceLocation("README.md", 0), out _, out ScenarioError? error))
            {
                accesses++;
            }

            Assert.Null(error);
        }

        Assert.Equal(2, accesses);
    }
}
