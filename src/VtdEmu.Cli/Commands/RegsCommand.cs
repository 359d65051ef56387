using System.CommandLine;
using Spectre.Console;
using VtdEmu.Cli.Decoding;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
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
        var preset = new Option<string>("--preset")
        {
            Description = $"Capability preset: {string.Join(", ", UnitConfiguration.Presets.Select(p => p.Name))}.",
            DefaultValueFactory = _ => UnitConfiguration.Qemu.Name,
        };
        var command = new Command("regs", "Show every register's reset value, with CAP and ECAP decoded.") { preset };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(preset)));
        return command;
    }

    public static int Run(CliContext context, string presetName)
    {
        if (UnitConfiguration.FindPreset(presetName) is not { } configuration)
        {
            context.Error.WriteLine($"regs: unknown preset '{presetName}' (known: {string.Join(", ", UnitConfiguration.Presets.Select(p => p.Name))})");
            return ExitCode.BadInput;
        }

        var unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, GuestMemory.PageSize)), configuration);
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
        return ExitCode.Success;
    }
}
