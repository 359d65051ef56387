using System.Diagnostics.CodeAnalysis;
using VtdEmu.Registers;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Builds a <see cref="PlatformScenarioTarget"/> — a real <see cref="Platform"/> — from a scenario's
/// directives: the named preset, CAP/ECAP overrides the model can honour, RAM, devices and the
/// requested cache geometry (checked by the parser), which configures the unit's caches.
/// </summary>
public sealed class PlatformScenarioTargetFactory : IScenarioTargetFactory
{
    /// <summary>
    /// CAP bits the model can honour in an override: every defined field except ECMDS (the enhanced
    /// command registers are not modelled) and the reserved encodings of SAGAW (bits 8 and 12: 2- and
    /// 6-level tables) and SLLPS (bits 36 and 37: 512-GiB and 1-TiB pages).
    /// </summary>
    public static readonly ulong HonouredCap = ~CapabilityFields.ReservedMask & ~CapabilityFields.ECMDS.Mask
        & ~(1UL << CapabilityFields.SAGAW.Lsb) & ~(1UL << CapabilityFields.SAGAW.Msb)
        & ~(1UL << (CapabilityFields.SLLPS.Lsb + 2)) & ~(1UL << CapabilityFields.SLLPS.Msb);

    /// <summary>
    /// ECAP bits the model can honour in an override: every defined field except VCS (no
    /// virtual-command registers) and PMS (no performance-monitoring registers). PRS is honoured:
    /// spec-notes/page-requests.md.
    /// </summary>
    public static readonly ulong HonouredEcap = ~ExtendedCapabilityFields.ReservedMask
        & ~ExtendedCapabilityFields.VCS.Mask & ~ExtendedCapabilityFields.PMS.Mask;

    public bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error)
    {
        ArgumentNullException.ThrowIfNull(setup);
        target = null;
        SourceLocation fileLevel = new(setup.File, 0);
        if (UnitConfiguration.FindPreset(setup.Preset) is not { } preset)
        {
            string names = string.Join(", ", UnitConfiguration.Presets.Select(p => p.Name));
            error = new ScenarioError(setup.PresetLocation ?? fileLevel, $"preset: unknown preset '{setup.Preset}' (known: {names})");
            return false;
        }

        UnitConfiguration configuration = preset;
        if (setup.Cap is { } cap)
        {
            if (CapabilityOverrides.CheckHonoured("CAP", CapabilityFields.All, cap, HonouredCap) is { } refused)
            {
                error = new ScenarioError(setup.CapLocation ?? fileLevel, $"cap: {refused}");
                return false;
            }

            configuration = configuration with { Capability = new CapabilityRegister(cap) };
        }

        if (setup.Ecap is { } ecap)
        {
            if (CapabilityOverrides.CheckHonoured("ECAP", ExtendedCapabilityFields.All, ecap, HonouredEcap) is { } refused)
            {
                error = new ScenarioError(setup.EcapLocation ?? fileLevel, $"ecap: {refused}");
                return false;
            }

            configuration = configuration with { ExtendedCapability = new ExtendedCapabilityRegister(ecap) };
        }

        if (CheckLayout(configuration) is { } layoutProblem)
        {
            // Only an override can move FRCD or IVA/IOTLB_REG onto another register.
            error = new ScenarioError(setup.CapLocation ?? setup.EcapLocation ?? fileLevel, layoutProblem);
            return false;
        }

        var platform = new Platform(configuration, setup.Caches, interruptSink: null, setup.Ram.AsSpan());
        foreach (PciBdf device in setup.Devices)
        {
            platform.AddDevice(device.SourceId);
        }

        target = new PlatformScenarioTarget(platform);
        error = null;
        return true;
    }

    // FRCD (CAP.FRO, CAP.NFR) and IVA/IOTLB_REG (ECAP.IRO) must not overlap the fixed registers or each other.
    private static string? CheckLayout(UnitConfiguration configuration)
    {
        try
        {
            _ = RegisterSlot.ListFor(configuration);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"cap/ecap: register layout impossible: {e.Message.Split(" (Parameter", 2)[0]}";
        }
    }
}
