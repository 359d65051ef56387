using System.CommandLine;
using VtdEmu.Cli.Options;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;
using VtdEmu.X86;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu x86 HEXBYTES...</c> (or <c>--file</c>): executes x86-64 instructions that access a fresh
/// unit's register block (the guest's trapped MMIO), one access per instruction, and prints the
/// trace. RDI starts at the block's base so that <c>[rdi+off]</c> names a register.
/// </summary>
internal static class X86Command
{
    /// <summary>Where the register block sits in the guest's physical address space (a common DMAR base).</summary>
    public const ulong DefaultBase = 0xFED9_0000;

    public static Command Create(CliContext context)
    {
        var bytes = new Argument<string[]>("hex")
        {
            Description = "Machine code as hex bytes, e.g. '89 47 18' (mov [rdi+0x18], eax); spaces optional.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string?>("--file") { Description = "Read the hex bytes from a file instead (# comments allowed)." };
        Option<Choice<UnitConfiguration>> preset = CliChoices.Presets.Option("--preset", "Capability preset of the unit.", UnitConfiguration.Qemu);
        var registers = new Option<string[]>("--reg")
        {
            Description = "Initial register value, e.g. --reg rax=0x80000000 (repeatable). RDI defaults to the block's base.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("x86", "Run x86-64 MMIO instructions against a fresh remapping unit and print the access trace.")
        {
            bytes, file, preset, registers,
        };
        command.SetAction(parse => Run(context, parse.GetValue(bytes) ?? [], parse.GetValue(file), parse.GetValue(preset).Name, parse.GetValue(registers) ?? []));
        return command;
    }

    public static int Run(CliContext context, string[] hex, string? file, string presetName, string[] registers)
    {
        if (UnitConfiguration.FindPreset(presetName) is not { } configuration)
        {
            return CliError.Write(context.Error, $"x86: --preset: {CliChoices.Presets.Expected(presetName)}", CliError.SeeHelp("x86"));
        }

        string text;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                return CliError.Write(context.Error, $"x86: --file: {file}: no such file", "Check the path.");
            }

            text = string.Join(' ', File.ReadLines(file).Select(line => line.Split('#', 2)[0]));
        }
        else
        {
            text = string.Join(' ', hex);
        }

        if (!MmioHexRunner.TryParseHex(text, out byte[] code) || code.Length == 0)
        {
            return CliError.Write(context.Error, "x86: expected machine code as pairs of hex digits", "Give the bytes as e.g. '89 47 18' (mov [rdi+0x18], eax).");
        }

        var cpu = new CpuState { Rip = 0x1000 };
        cpu[GeneralRegister.RDI] = DefaultBase;
        foreach (string assignment in registers)
        {
            string[] parts = assignment.Split('=', 2);
            if (parts.Length != 2 || !Enum.TryParse(parts[0], ignoreCase: true, out GeneralRegister register)
                || !Enum.IsDefined(register) || !ScenarioNumber.TryParse(parts[1], out ulong value))
            {
                return CliError.Write(context.Error, $"x86: --reg: expected NAME=VALUE with a 64-bit register name and a number, found '{assignment}'", "Write e.g. --reg rax=0x80000000 (rax to r15).");
            }

            cpu[register] = value;
        }

        var unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, 1UL << 20)), configuration);
        var names = VtdRegisterNames.FromDevice(unit);
        MmioStatus status = MmioHexRunner.Run(code, cpu, DefaultBase, unit, names.Name, out IReadOnlyList<string> trace);
        foreach (string line in trace)
        {
            context.Out.WriteLine(line);
        }

        context.Error.WriteLine($"x86: {status}; RIP=0x{cpu.Rip:x}, RAX=0x{cpu[GeneralRegister.RAX]:x}, RCX=0x{cpu[GeneralRegister.RCX]:x}, RDX=0x{cpu[GeneralRegister.RDX]:x}");
        return status == MmioStatus.Executed ? ExitCode.Success : ExitCode.Failed;
    }
}
