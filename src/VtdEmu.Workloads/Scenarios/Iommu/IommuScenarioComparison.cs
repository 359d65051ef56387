using System.Collections.Immutable;
using VtdEmu.Iommu;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// One IOMMU-level scenario run under every attach policy, call by call: where the returned errors, the group state
/// or the hardware state (context entries in guest RAM) differ. Assertions are checked per policy, and a failed one
/// is reported, not fatal: a scenario's expectations are usually written for one policy.
/// </summary>
/// <param name="Policies">The policies, in run order.</param>
/// <param name="Runs">Each policy's run, in the same order.</param>
/// <param name="Differences">Every call where the policies disagree, in file order.</param>
public sealed record IommuScenarioComparison(ImmutableArray<IommuAttachPolicy> Policies, ImmutableArray<IommuScenarioRunResult> Runs, ImmutableArray<IommuStepDifference> Differences)
{
    /// <summary>Runs <paramref name="scenario"/> under every policy in <see cref="IommuAttachPolicy.All"/>.</summary>
    public static IommuScenarioComparison Run(IommuScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ImmutableArray<IommuAttachPolicy> policies = [.. IommuAttachPolicy.All];
        ImmutableArray<IommuScenarioRunResult> runs = [.. policies.Select(p => IommuScenarioRunner.Run(scenario, p, TextWriter.Null))];
        ImmutableArray<IommuStepDifference>.Builder differences = ImmutableArray.CreateBuilder<IommuStepDifference>();
        int steps = runs.Min(r => r.Records.Length);
        for (int i = 0; i < steps; i++)
        {
            ImmutableArray<IommuStepRecord> records = [.. runs.Select(r => r.Records[i])];
            bool result = records.Select(r => r.Result).Distinct().Count() > 1;
            bool groups = records.Select(r => r.Groups).Distinct().Count() > 1;
            bool hardware = records.Select(r => r.Hardware).Distinct().Count() > 1;
            if (result || groups || hardware)
            {
                differences.Add(new IommuStepDifference(records[0].Step, records, result, groups, hardware));
            }
        }

        return new IommuScenarioComparison(policies, runs, differences.ToImmutable());
    }

    /// <summary>The first call where the returned errors differ, or null.</summary>
    public IommuStepDifference? FirstResultDifference => Differences.FirstOrDefault(d => d.ResultDiffers);
}
