using System.Diagnostics.CodeAnalysis;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>Builds <see cref="FakeScenarioTarget"/>s; knows only the <c>qemu</c> preset.</summary>
internal sealed class FakeScenarioTargetFactory : IScenarioTargetFactory
{
    public FakeScenarioTarget? LastTarget { get; private set; }

    public bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error)
    {
        if (setup.Preset != ScenarioSetup.DefaultPreset)
        {
            target = null;
            error = new ScenarioError(setup.PresetLocation ?? new SourceLocation(setup.File, 0), $"preset: unknown preset '{setup.Preset}'");
            return false;
        }

        LastTarget = new FakeScenarioTarget(setup);
        target = LastTarget;
        error = null;
        return true;
    }
}
