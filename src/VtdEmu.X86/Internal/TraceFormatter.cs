using System.Globalization;
using Iced.Intel;

namespace VtdEmu.X86.Internal;

/// <summary>
/// Builds the human-readable trace lines: one per access that reached the device, one per refusal.
/// Only used when tracing is on, so it may allocate.
/// </summary>
/// <example><c>0000000000001000  mov [rdi+18h], eax  ; W GCMD (0x018) 4 0x80000000</c></example>
internal sealed class TraceFormatter
{
    private readonly MasmFormatter _formatter = new();
    private readonly StringOutput _output = new();

    public TraceFormatter()
    {
        _formatter.Options.SpaceAfterOperandSeparator = true;
        _formatter.Options.UppercaseHex = true;
    }

    public void Write(Action<string> trace, Func<ulong, string>? registerName, in MmioExecutionResult result, ref Instruction instruction, bool undecoded, ReadOnlySpan<byte> code, ulong rip)
    {
        string text;
        if (undecoded)
        {
            text = "db " + Convert.ToHexString(code[..Math.Min(code.Length, TrapCodeReader.MaxInstructionLength)]);
        }
        else
        {
            _formatter.Format(instruction, _output);
            text = _output.ToStringAndReset();
        }

        string prefix = string.Create(CultureInfo.InvariantCulture, $"{rip:X16}  {text}");
        if (!result.IsExecuted)
        {
            trace(string.Create(CultureInfo.InvariantCulture, $"{prefix}  ; refused: {result.Status}"));
            return;
        }

        if (result.Read is { } read)
        {
            trace(Line(prefix, read, registerName));
        }

        if (result.Write is { } write)
        {
            trace(Line(prefix, write, registerName));
        }
    }

    private static string Line(string prefix, MmioAccess access, Func<ulong, string>? registerName)
    {
        string direction = access.Direction == MmioDirection.Read ? "R" : "W";
        string name = registerName?.Invoke(access.Offset) ?? "reg";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{prefix}  ; {direction} {name} (0x{access.Offset:X3}) {access.Size} 0x{access.Value.ToString("X" + (access.Size * 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}");
    }
}
