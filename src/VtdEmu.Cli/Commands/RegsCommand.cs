using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Cli.Decoding;
using VtdEmu.Cli.Options;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Timing;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu regs [--preset NAME]</c>: every register of a freshly reset unit, read through MMIO,
/// then CAP and ECAP decoded field by field.
/// </summary>
internal static class RegsCommand
{
    public static Command Create(CliContext context)
    {
        Option<Choice<UnitConfiguration>> preset = CliChoices.Presets.Option("--preset", "Capability preset.", UnitConfiguration.Qemu);
        var command = new Command("regs", "Show every register's reset value, with CAP and ECAP decoded, and the preset's cache geometry and timing calibration.") { preset };
        FormatOptions format = FormatOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetValue(preset).Name, format.IsJson(parse)));
        return command;
    }

    public static int Run(CliContext context, string presetName) => Run(context, presetName, json: false);

    public static int Run(CliContext context, string presetName, bool json)
    {
        if (UnitConfiguration.FindPreset(presetName) is not { } configuration)
        {
            return CliError.Write(context.Error, $"regs: --preset: {CliChoices.Presets.Expected(presetName)}", CliError.SeeHelp("regs"));
        }

        var unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, GuestMemory.PageSize)), configuration);
        WorkbenchPreset workbench = WorkbenchPreset.Find(configuration.Name)!;
        if (json)
        {
            JsonOutput.Write(context.Out, writer => WriteJson(writer, configuration, unit, workbench));
            return ExitCode.Success;
        }

        var table = new Table { Title = new TableTitle($"Registers of a reset unit, preset {configuration.Name} (HAW {configuration.HostAddressWidth})") };
        table.AddColumn("Register");
        table.AddColumn(new TableColumn("Offset").RightAligned());
        table.AddColumn(new TableColumn("Width").RightAligned());
        table.AddColumn(new TableColumn("Value").RightAligned());
        foreach (RegisterSlot slot in RegisterSlot.ListFor(configuration))
        {
            ulong value = unit.Read((ulong)slot.Offset, slot.Width);
            string text = slot.Width == 4 ? $"{value:x8}" : $"{value:x16}";
            table.AddRow(slot.Name, $"0x{slot.Offset:x3}", $"{slot.Width * 8}", text);
        }

        IAnsiConsole console = context.ConsoleFor(context.Out);
        console.Write(table);
        console.Write(DecodeCommand.Render($"CAP 0x{configuration.Capability.Value:x16}", CapabilityDecoder.Decode(configuration.Capability.Value)));
        console.Write(DecodeCommand.Render($"ECAP 0x{configuration.ExtendedCapability.Value:x16}", ExtendedCapabilityDecoder.Decode(configuration.ExtendedCapability.Value)));
        CacheGeometry iotlb = workbench.Caches.Iotlb;
        context.Out.WriteLine($"Workbench (sweep): IOTLB {Counts.Plural(iotlb.Entries, "entry")}, {Counts.Plural(iotlb.Ways, "way")}, {ScenarioParser.PolicyName(iotlb.Policy)}; timing {(workbench.Timing.Calibrated ? "calibrated" : "UNCALIBRATED")} ({workbench.Source})");
        return ExitCode.Success;
    }

    private static void WriteJson(Utf8JsonWriter writer, UnitConfiguration configuration, RemappingUnit unit, WorkbenchPreset workbench)
    {
        writer.WriteStartObject();
        writer.WriteString("preset", configuration.Name);
        writer.WriteNumber("haw", configuration.HostAddressWidth);
        writer.WriteStartArray("registers");
        foreach (RegisterSlot slot in RegisterSlot.ListFor(configuration))
        {
            writer.WriteStartObject();
            writer.WriteString("name", slot.Name);
            writer.WriteString("offset", JsonOutput.Hex((ulong)slot.Offset));
            writer.WriteNumber("width", slot.Width * 8);
            writer.WriteString("value", JsonOutput.Hex(unit.Read((ulong)slot.Offset, slot.Width)));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("cap");
        JsonOutput.WriteDecoded(writer, "CAP", configuration.Capability.Value, CapabilityDecoder.Decode(configuration.Capability.Value));
        writer.WritePropertyName("ecap");
        JsonOutput.WriteDecoded(writer, "ECAP", configuration.ExtendedCapability.Value, ExtendedCapabilityDecoder.Decode(configuration.ExtendedCapability.Value));
        CacheGeometry iotlb = workbench.Caches.Iotlb;
        writer.WriteStartObject("workbench");
        writer.WriteStartObject("iotlb");
        writer.WriteNumber("entries", iotlb.Entries);
        writer.WriteNumber("ways", iotlb.Ways);
        writer.WriteString("policy", ScenarioParser.PolicyName(iotlb.Policy));
        writer.WriteEndObject();
        writer.WriteBoolean("calibrated", workbench.Timing.Calibrated);
        writer.WriteString("source", workbench.Source);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
