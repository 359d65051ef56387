using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>One call whose outcome differs between attach policies.</summary>
/// <param name="Step">The call.</param>
/// <param name="Records">The call's record under each policy, in <see cref="IommuScenarioComparison.Policies"/> order.</param>
/// <param name="ResultDiffers">The returned error (or printed result) differs.</param>
/// <param name="GroupsDiffer">Group state (domain, owner, counts) after the call differs.</param>
/// <param name="HardwareDiffers">Context entries read from guest RAM after the call differ.</param>
public sealed record IommuStepDifference(IommuStep Step, ImmutableArray<IommuStepRecord> Records, bool ResultDiffers, bool GroupsDiffer, bool HardwareDiffers);
