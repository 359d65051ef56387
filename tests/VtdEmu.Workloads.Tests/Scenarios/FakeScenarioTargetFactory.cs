using System.Diagnostics.CodeAnalysis;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>Builds <see cref="FakeScenarioTarget"/>s; knows only the <c>qemu</c> preset.</summary>
internal sealed class FakeScenarioTargetFactory : IScenarioTargetFactory
{
    public FakeScenarioTarget? LastTarget { get; private set; }

    /// <summary>What the next target's <see cref="FakeScenarioTarget.SignalMsi"/> answers (null: its default).</summary>
    public VtdEmu.Interrupts.InterruptRemapResult? NextMsiResult { get; set; }

    /// <summary>What the next target's <see cref="FakeScenarioTarget.AtsTranslate"/> answers (null: its default).</summary>
    public VtdEmu.Devices.AtsCompletion? NextAtsResult { get; set; }

    /// <summary>What the next target's <see cref="FakeScenarioTarget.RequestPage"/> answers (null: its default).</summary>
    public (VtdEmu.Devices.PageRequestOutcome, VtdEmu.Devices.PageGroupResponse?)? NextPageRequestResult { get; set; }

    public bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error)
    {
        if (setup.Preset != ScenarioSetup.DefaultPreset)
        {
            target = null;
            error = new ScenarioError(setup.PresetLocation ?? new SourceLocation(setup.File, 0), $"preset: unknown preset '{setup.Preset}'");
            return false;
        }

        LastTarget = new FakeScenarioTarget(setup);
        if (NextMsiResult is { } msi)
        {
            LastTarget.MsiResult = msi;
        }

        if (NextAtsResult is { } ats)
        {
            LastTarget.AtsResult = ats;
        }

        if (NextPageRequestResult is { } page)
        {
            LastTarget.PageRequestResult = page;
        }

        target = LastTarget;
        error = null;
        return true;
    }
}
