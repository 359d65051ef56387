using System.Diagnostics.CodeAnalysis;
using VtdEmu.Interrupts;
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

        if (!TryBuild(setup, configuration, out Platform? platform, out error))
        {
            return false;
        }

        foreach (RemappingUnit unit in platform.Units)
        {
            if (setup.InterruptEntryCache != InterruptEntryCache.DefaultGeometry)
            {
                unit.ConfigureInterruptEntryCache(setup.InterruptEntryCache);
            }
        }

        foreach (PciBdf device in setup.Devices)
        {
            platform.AddDevice(device.SourceId);
        }

        foreach (ScenarioDevice device in setup.AtsDevices)
        {
            PciEndpoint endpoint = platform.AddDevice(device.Bdf.SourceId);
            endpoint.EnableAts(device.DeviceTlb);
            if (device.PageRequests)
            {
                endpoint.EnablePageRequests();
            }
        }

        target = new PlatformScenarioTarget(platform);
        error = null;
        return true;
    }

    // One unit of the preset, or one per DRHD of the platform-dmar table (each with the scenario's cache geometry).
    private static bool TryBuild(ScenarioSetup setup, UnitConfiguration configuration, [NotNullWhen(true)] out Platform? platform, [NotNullWhen(false)] out ScenarioError? error)
    {
        error = null;
        if (setup.Dmar is not { } table)
        {
            platform = new Platform(configuration, setup.Caches, interruptSink: null, setup.Ram.AsSpan());
            return true;
        }

        // Sub-hierarchy scopes cover the bridge's own requester id only: a scenario has no PCI topology
        // giving the buses below it (spec-notes/dmar.md).
        if (!Platform.TryFromDmar(table, configuration, out Platform? fromTable, out string problem, bridgeBuses: null, setup.Ram.AsSpan()))
        {
            platform = null;
            error = new ScenarioError(setup.DmarLocation ?? new SourceLocation(setup.File, 0), $"platform-dmar: {setup.DmarFile}: {problem}");
            return false;
        }

        platform = new Platform([.. fromTable!.UnitDefinitions.Select(u => u with { Caches = setup.Caches })], interruptSink: null, setup.Ram.AsSpan());
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
