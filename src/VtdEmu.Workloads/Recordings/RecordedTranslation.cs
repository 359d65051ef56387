using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>One line of <c>translations.trace</c>: <c>MMIO_COUNT DEV IOVA GPA MASK</c>, a DMA translation the recorded unit performed.</summary>
/// <param name="Line">1-based line in translations.trace.</param>
/// <param name="MmioCount">How many register accesses had happened when it was performed.</param>
/// <param name="SourceId">The requester (DEV, bus:dev.fn).</param>
/// <param name="Iova">The input address.</param>
/// <param name="Gpa">The output address.</param>
/// <param name="Mask">Offset bits of the page that translated it (page size − 1).</param>
public readonly record struct RecordedTranslation(int Line, int MmioCount, ushort SourceId, ulong Iova, ulong Gpa, ulong Mask)
{
    /// <summary>Parses one line; blank and <c>#</c> lines give false with no error.</summary>
    internal static bool TryParse(string text, string file, int line, out RecordedTranslation translation, out ScenarioError? error)
    {
        translation = default;
        error = null;
        List<(string Text, int Column)> f = RecordingText.Fields(text);
        if (f.Count == 0)
        {
            return false;
        }

        if (f.Count != 5)
        {
            error = RecordingText.At(file, line, f[0].Column, $"expected 'MMIO_COUNT DEV IOVA GPA MASK', found {f.Count} field(s)", text);
            return false;
        }

        if (!RecordingText.TryDecimal(f[0].Text, out int count))
        {
            error = RecordingText.At(file, line, f[0].Column, $"MMIO_COUNT: expected a decimal number, found '{f[0].Text}'", text);
            return false;
        }

        if (!RecordingText.TryBdf(f[1].Text, out ushort sid))
        {
            error = RecordingText.At(file, line, f[1].Column, $"DEV: expected bus:dev.fn in hex, found '{f[1].Text}'", text);
            return false;
        }

        ulong[] values = new ulong[3];
        string[] names = ["IOVA", "GPA", "MASK"];
        for (int i = 0; i < values.Length; i++)
        {
            if (!RecordingText.TryHex(f[2 + i].Text, out values[i]))
            {
                error = RecordingText.At(file, line, f[2 + i].Column, $"{names[i]}: expected a hex value, found '{f[2 + i].Text}'", text);
                return false;
            }
        }

        if ((values[2] & (values[2] + 1)) != 0)
        {
            error = RecordingText.At(file, line, f[4].Column, $"MASK: expected a page size minus one (0xfff, 0x1fffff, ...), found '{f[4].Text}'", text);
            return false;
        }

        translation = new RecordedTranslation(line, count, sid, values[0], values[1], values[2]);
        return true;
    }
}
