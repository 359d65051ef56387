using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli.Commands;

/// <summary>What <c>run</c> found in one scenario, for the text summary and for <c>--format json</c>.</summary>
/// <param name="File">The scenario file.</param>
/// <param name="Language"><c>register</c> (*.scenario) or <c>iommu</c> (*.iommu).</param>
/// <param name="Commands">Commands or calls run.</param>
/// <param name="Assertions">Assertions checked.</param>
/// <param name="Results">Every printed result, with its line.</param>
/// <param name="Failures">Every failed assertion and every command that could not run.</param>
internal sealed record ScenarioReport(string File, string Language, int Commands, int Assertions, IReadOnlyList<ScenarioResultLine> Results, IReadOnlyList<ScenarioError> Failures);
