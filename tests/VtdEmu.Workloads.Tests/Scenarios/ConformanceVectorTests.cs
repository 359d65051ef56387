using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>
/// Runs every conformance vector under tests/vectors (copied next to the test binaries) on the
/// hardware model, through the parser and runner <c>vtdemu run</c> uses; a failure shows the
/// runner's <c>file:line</c> messages.
/// </summary>
public sealed class ConformanceVectorTests
{
    private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "vectors");

    private static readonly string[] s_names = Discover();

    public static TheoryData<string> Vectors { get; } = [.. s_names];

    private static string[] Discover()
    {
        if (!Directory.Exists(s_root))
        {
            return [];
        }

        string[] files = Directory.GetFiles(s_root, "*.scenario", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return [.. files.Select(file => Path.GetRelativePath(s_root, file).Replace('\\', '/'))];
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_OnThePlatform_EveryAssertionHolds(string name)
    {
        ScenarioParseResult parsed = ScenarioParser.ParseFile(Path.Combine(s_root, name));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        using var output = new StringWriter();

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario, new PlatformScenarioTargetFactory(), output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.True(result.AssertionsChecked > 0, $"{name} checks nothing");
    }

    [Fact]
    public void Vectors_AreCopiedToTheOutput_BothAreasPresent()
    {
        Assert.Contains(s_names, n => n.StartsWith("registers/", StringComparison.Ordinal));
        Assert.Contains(s_names, n => n.StartsWith("translation/", StringComparison.Ordinal));
    }
}
