namespace VtdEmu.X86;

/// <summary>
/// Runs a block of machine code against a device, one trapped access per instruction, for tools
/// such as the <c>vtdemu x86</c> command: the guest is taken as identity-mapped (the faulting GPA
/// is each instruction's effective address) and execution stops at the first refusal.
/// </summary>
public static class MmioHexRunner
{
    /// <summary>
    /// Executes the instructions in <paramref name="code"/> in order, starting at
    /// <see cref="CpuState.Rip"/>; returns the trace lines (one per access, one for a refusal) and
    /// the status of the last instruction attempted.
    /// </summary>
    public static MmioStatus Run(ReadOnlySpan<byte> code, CpuState cpu, ulong regionBase, IMmio device, Func<ulong, string>? registerName, out IReadOnlyList<string> trace)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var lines = new List<string>();
        var emulator = new MmioInstructionEmulator { Trace = lines.Add, RegisterName = registerName };
        ulong start = cpu.Rip;
        MmioStatus status = MmioStatus.Executed;
        int position = 0;
        while (position < code.Length && status == MmioStatus.Executed)
        {
            status = emulator.ExecuteIdentityMapped(code[position..], cpu, regionBase, device).Status;
            position = (int)unchecked(cpu.Rip - start);
        }

        trace = lines;
        return status;
    }

    /// <summary>Parses hex bytes such as <c>"89 47 18"</c> or <c>"894718"</c>; false on malformed input.</summary>
    public static bool TryParseHex(string text, out byte[] code)
    {
        ArgumentNullException.ThrowIfNull(text);
        string digits = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        code = [];
        if (digits.Length % 2 != 0 || !digits.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        code = Convert.FromHexString(digits);
        return true;
    }
}
