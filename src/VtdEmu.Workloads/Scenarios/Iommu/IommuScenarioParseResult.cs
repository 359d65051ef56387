using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>A parsed IOMMU-level scenario, or every error found in it.</summary>
/// <param name="Scenario">The scenario; null when there are errors.</param>
/// <param name="Errors">Every error, in line order.</param>
public sealed record IommuScenarioParseResult(IommuScenario? Scenario, ImmutableArray<ScenarioError> Errors)
{
    [MemberNotNullWhen(true, nameof(Scenario))]
    public bool Succeeded => Scenario is not null;
}
