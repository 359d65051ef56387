using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>What running a scenario found.</summary>
/// <param name="CommandsRun">Commands executed.</param>
/// <param name="AssertionsChecked">Assertions evaluated (passed or failed).</param>
/// <param name="Failures">Every failed assertion and every command that could not run, in order.</param>
public sealed record ScenarioRunResult(int CommandsRun, int AssertionsChecked, ImmutableArray<ScenarioError> Failures)
{
    public bool Passed => Failures.IsEmpty;

    /// <summary>Every result line printed (reads and DMAs), in order, with its location.</summary>
    public ImmutableArray<ScenarioResultLine> Results { get; init; } = [];
}
