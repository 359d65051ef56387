using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>The result of parsing a scenario: the scenario, or every error found (not just the first).</summary>
public sealed record ScenarioParseResult(Scenario? Scenario, ImmutableArray<ScenarioError> Errors)
{
    [MemberNotNullWhen(true, nameof(Scenario))]
    public bool Succeeded => Scenario is not null;
}
