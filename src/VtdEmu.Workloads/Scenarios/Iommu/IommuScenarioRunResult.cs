using System.Collections.Immutable;
using VtdEmu.Iommu;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>What running an IOMMU-level scenario under one policy found.</summary>
/// <param name="Policy">The attach policy it ran under.</param>
/// <param name="Records">One record per call, in order.</param>
/// <param name="Failures">Every failed assertion and every call that could not run, in order.</param>
public sealed record IommuScenarioRunResult(IommuAttachPolicy Policy, ImmutableArray<IommuStepRecord> Records, ImmutableArray<ScenarioError> Failures)
{
    public bool Passed => Failures.IsEmpty;

    /// <summary>Calls that ended in an assertion.</summary>
    public int AssertionsChecked => Records.Count(r => r.Step.HasExpectation);
}
