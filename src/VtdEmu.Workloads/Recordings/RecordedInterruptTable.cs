using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// The interrupt-remapping state a recording lists in <c>mem-decode.txt</c>: the IRTA value, the
/// table's entry count and its present entries (VT-d spec §9.10, §11.4.29).
/// </summary>
/// <param name="Line">1-based line of the section's header.</param>
/// <param name="Irta">IRTA as recorded.</param>
/// <param name="EntryCount">Entries in the table (2^(IRTA.S + 1)).</param>
/// <param name="Entries">The present entries, by index.</param>
public sealed record RecordedInterruptTable(int Line, ulong Irta, int EntryCount, IReadOnlyList<RecordedIrte> Entries)
{
    private const string Header = "Interrupt remapping table:";

    /// <summary>
    /// Finds and parses the section in mem-decode.txt: a header line
    /// <c>Interrupt remapping table: IRTA=0x.. base=0x.. N entries, K present:</c> then K <c>irte[..]</c>
    /// lines. Null with no error when the recording has no such section.
    /// </summary>
    internal static RecordedInterruptTable? Parse(string[] lines, string file, out ScenarioError? error)
    {
        error = null;
        int at = Array.FindIndex(lines, l => l.StartsWith(Header, StringComparison.Ordinal));
        if (at < 0)
        {
            return null;
        }

        string text = lines[at];
        List<(string Text, int Column)> f = RecordingText.Fields(text[Header.Length..]);
        int irtaField = f.FindIndex(x => x.Text.StartsWith("IRTA=", StringComparison.Ordinal));
        int entriesField = f.FindIndex(x => x.Text == "entries,");
        int presentField = f.FindIndex(x => x.Text == "present:");
        if (irtaField < 0 || entriesField < 1 || presentField < 1
            || !RecordingText.TryHex(f[irtaField].Text.AsSpan(5), out ulong irta)
            || !RecordingText.TryDecimal(f[entriesField - 1].Text, out int entryCount)
            || !RecordingText.TryDecimal(f[presentField - 1].Text, out int present))
        {
            error = RecordingText.At(file, at + 1, 1, "expected 'Interrupt remapping table: IRTA=0x.. base=0x.. N entries, K present:'", text);
            return null;
        }

        var entries = new List<RecordedIrte>();
        for (int i = at + 1; i < lines.Length && lines[i].TrimStart().StartsWith("irte[", StringComparison.Ordinal); i++)
        {
            if (!RecordedIrte.TryParse(lines[i], file, i + 1, out RecordedIrte irte, out error))
            {
                return null;
            }

            entries.Add(irte);
        }

        if (entries.Count != present)
        {
            error = RecordingText.At(file, at + 1, 1, $"the header says {present} present entries, {entries.Count} irte[] lines follow", text);
            return null;
        }

        return new RecordedInterruptTable(at + 1, irta, entryCount, entries);
    }
}
