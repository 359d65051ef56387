using System.Diagnostics.CodeAnalysis;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>Builds a fresh platform for a scenario from its directives.</summary>
public interface IScenarioTargetFactory
{
    /// <summary>
    /// Builds the platform <paramref name="setup"/> describes. When it cannot — an unknown preset, a
    /// CAP/ECAP bit the model cannot honour, a cache geometry it does not support — it returns false
    /// and an error at the directive's line (or <see cref="ScenarioSetup.File"/> when the problem is a
    /// default) that names the preset, field or option. Never throws for a setup the parser accepted.
    /// </summary>
    bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error);
}
