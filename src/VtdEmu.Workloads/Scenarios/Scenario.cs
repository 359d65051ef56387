using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>A parsed scenario: the platform it needs and its commands in file order.</summary>
/// <param name="File">The file name it was parsed from.</param>
/// <param name="Setup">The platform from the directives (defaults where none were given).</param>
/// <param name="Commands">The commands, in order.</param>
public sealed record Scenario(string File, ScenarioSetup Setup, ImmutableArray<ScenarioCommand> Commands)
{
    /// <summary>Number of commands that carry an assertion.</summary>
    public int AssertionCount
    {
        get
        {
            int count = 0;
            foreach (ScenarioCommand command in Commands)
            {
                count += command.Expectation is null ? 0 : 1;
            }

            return count;
        }
    }
}
