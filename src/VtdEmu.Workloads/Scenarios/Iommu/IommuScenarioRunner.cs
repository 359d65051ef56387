using System.Collections.Immutable;
using VtdEmu.Iommu;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// Runs an IOMMU-level scenario under one attach policy, printing <c>call = result</c> per call and collecting
/// every failed assertion with its line. A failure does not stop the run.
/// </summary>
public static class IommuScenarioRunner
{
    /// <summary>Runs every call; <paramref name="output"/> gets the result lines, the result holds the records.</summary>
    public static IommuScenarioRunResult Run(IommuScenario scenario, IommuAttachPolicy policy, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        if (!IommuScenarioSession.TryCreate(scenario, policy, out IommuScenarioSession? session, out ScenarioError? error))
        {
            return new IommuScenarioRunResult(policy, [], [error!]);
        }

        ImmutableArray<IommuStepRecord>.Builder records = ImmutableArray.CreateBuilder<IommuStepRecord>();
        ImmutableArray<ScenarioError>.Builder failures = ImmutableArray.CreateBuilder<ScenarioError>();
        foreach (IommuStep step in scenario.Steps)
        {
            IommuStepRecord record = session.Execute(step);
            records.Add(record);
            if (record.Result is not null)
            {
                output.WriteLine($"{step.Text} = {record.Result}");
            }

            if (record.Failure is not null)
            {
                failures.Add(new ScenarioError(step.Location, record.Failure));
            }
        }

        return new IommuScenarioRunResult(policy, records.ToImmutable(), failures.ToImmutable());
    }
}
