using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// One line of <c>qi.trace</c>: an invalidation descriptor the recorded unit processed, the
/// <c>mmio.trace</c> line of the IQT write during which it was processed, and its queue slot.
/// Upper words written <c>-</c> were not captured and are zero.
/// </summary>
/// <param name="Line">1-based line in qi.trace.</param>
/// <param name="Sequence">SEQ: processing order, from 1.</param>
/// <param name="MmioLine">MMIO_LINE: the line of mmio.trace with the IQT write.</param>
/// <param name="Slot">SLOT: index in the queue (byte offset = slot × descriptor size).</param>
/// <param name="Type">TYPE as recorded: cc, iotlb, iec, wait, pc, piotlb, ….</param>
/// <param name="Qw0">Bits 63:0.</param>
/// <param name="Qw1">Bits 127:64.</param>
/// <param name="Qw2">Bits 191:128.</param>
/// <param name="Qw3">Bits 255:192.</param>
public readonly record struct RecordedDescriptor(int Line, int Sequence, int MmioLine, int Slot, string Type, ulong Qw0, ulong Qw1, ulong Qw2, ulong Qw3)
{
    /// <summary>Parses one line; blank and <c>#</c> lines give false with no error.</summary>
    internal static bool TryParse(string text, string file, int line, out RecordedDescriptor descriptor, out ScenarioError? error)
    {
        descriptor = default;
        error = null;
        List<(string Text, int Column)> f = RecordingText.Fields(text);
        if (f.Count == 0)
        {
            return false;
        }

        if (f.Count < 8)
        {
            error = RecordingText.At(file, line, f[0].Column, $"expected 'SEQ MMIO_LINE SLOT TYPE QW0 QW1 QW2 QW3 ...', found {f.Count} field(s)", text);
            return false;
        }

        int[] numbers = new int[3];
        string[] names = ["SEQ", "MMIO_LINE", "SLOT"];
        for (int i = 0; i < numbers.Length; i++)
        {
            if (!RecordingText.TryDecimal(f[i].Text, out numbers[i]))
            {
                error = RecordingText.At(file, line, f[i].Column, $"{names[i]}: expected a decimal number, found '{f[i].Text}'", text);
                return false;
            }
        }

        ulong[] words = new ulong[4];
        for (int i = 0; i < words.Length; i++)
        {
            (string word, int column) = f[4 + i];
            if (!(i >= 2 && word == "-") && !RecordingText.TryHex(word, out words[i]))
            {
                error = RecordingText.At(file, line, column, $"QW{i}: expected a hex value{(i >= 2 ? " or -" : string.Empty)}, found '{word}'", text);
                return false;
            }
        }

        descriptor = new RecordedDescriptor(line, numbers[0], numbers[1], numbers[2], f[3].Text, words[0], words[1], words[2], words[3]);
        return true;
    }
}
