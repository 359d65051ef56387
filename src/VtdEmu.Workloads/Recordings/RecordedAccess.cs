using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>One line of <c>mmio.trace</c>: <c>R|W OFFSET SIZE VALUE</c>, a guest access to the register block.</summary>
/// <param name="Line">1-based line in mmio.trace.</param>
/// <param name="IsWrite">W (true) or R.</param>
/// <param name="Offset">Byte offset in the register block.</param>
/// <param name="Size">4 or 8.</param>
/// <param name="Value">The value written, or the value the recorded hardware returned.</param>
public readonly record struct RecordedAccess(int Line, bool IsWrite, ulong Offset, int Size, ulong Value)
{
    /// <summary>Parses one line; blank and <c>#</c> lines give false with no error.</summary>
    internal static bool TryParse(string text, string file, int line, out RecordedAccess access, out ScenarioError? error)
    {
        access = default;
        error = null;
        List<(string Text, int Column)> f = RecordingText.Fields(text);
        if (f.Count == 0)
        {
            return false;
        }

        if (f.Count != 4)
        {
            error = RecordingText.At(file, line, f[0].Column, $"expected 'R|W OFFSET SIZE VALUE', found {f.Count} field(s)", text);
            return false;
        }

        if (f[0].Text is not ("R" or "W"))
        {
            error = RecordingText.At(file, line, f[0].Column, $"expected R or W, found '{f[0].Text}'", text);
            return false;
        }

        if (!RecordingText.TryHex(f[1].Text, out ulong offset) || offset > ushort.MaxValue)
        {
            error = RecordingText.At(file, line, f[1].Column, $"expected a hex register offset below 0x10000, found '{f[1].Text}'", text);
            return false;
        }

        if (!RecordingText.TryDecimal(f[2].Text, out int size) || size is not (4 or 8))
        {
            error = RecordingText.At(file, line, f[2].Column, $"expected size 4 or 8, found '{f[2].Text}'", text);
            return false;
        }

        if (!RecordingText.TryHex(f[3].Text, out ulong value) || (size == 4 && value > uint.MaxValue))
        {
            error = RecordingText.At(file, line, f[3].Column, $"expected a hex value of {size} bytes, found '{f[3].Text}'", text);
            return false;
        }

        access = new RecordedAccess(line, f[0].Text == "W", offset, size, value);
        return true;
    }
}
