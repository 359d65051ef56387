using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// A present interrupt-remapping table entry as <c>mem-decode.txt</c> lists it: its raw 128 bits and
/// the fields the recording decoded from them (VT-d spec §9.10).
/// </summary>
/// <param name="Line">1-based line in mem-decode.txt.</param>
/// <param name="Index">The interrupt index (entry number).</param>
/// <param name="Low">Bits 63:0.</param>
/// <param name="High">Bits 127:64.</param>
/// <param name="Vector">V, 23:16.</param>
/// <param name="Destination">DST, 63:32, as a raw field.</param>
/// <param name="DM">DM, 2: 1 = logical.</param>
/// <param name="TM">TM, 4: 1 = level.</param>
/// <param name="DLM">DLM, 7:5.</param>
/// <param name="SID">SID, 79:64.</param>
/// <param name="SQ">SQ, 81:80.</param>
/// <param name="SVT">SVT, 83:82.</param>
public readonly record struct RecordedIrte(
    int Line, int Index, ulong Low, ulong High, byte Vector, uint Destination, bool DM, bool TM, int DLM, ushort SID, int SQ, int SVT)
{
    private static readonly string[] s_fields = ["vector", "dst(63:32)", "dm", "tm", "dlm", "sid", "sq", "svt"];

    /// <summary>Parses <c>irte[N] = 0xHIGH_LOW vector=.. dst(63:32)=.. dm=.. tm=.. dlm=.. sid=.. sq=.. svt=..</c>.</summary>
    internal static bool TryParse(string text, string file, int line, out RecordedIrte irte, out ScenarioError? error)
    {
        irte = default;
        error = null;
        List<(string Text, int Column)> f = RecordingText.Fields(text);
        string head = f.Count > 0 ? f[0].Text : string.Empty;
        int column = f.Count > 0 ? f[0].Column : 1;
        if (f.Count < 3 || !head.StartsWith("irte[", StringComparison.Ordinal) || !head.EndsWith(']') || f[1].Text != "="
            || !RecordingText.TryDecimal(head.AsSpan(5, head.Length - 6), out int index))
        {
            error = RecordingText.At(file, line, column, "expected 'irte[N] = 0xHIGH_LOW field=value ...'", text);
            return false;
        }

        string raw = f[2].Text;
        int underscore = raw.IndexOf('_', StringComparison.Ordinal);
        if (underscore < 0 || !RecordingText.TryHex(raw.AsSpan(0, underscore), out ulong high) || !RecordingText.TryHex(raw.AsSpan(underscore + 1), out ulong low))
        {
            error = RecordingText.At(file, line, f[2].Column, $"expected the entry as 0xHIGH_LOW (two 64-bit hex words), found '{raw}'", text);
            return false;
        }

        ulong[] values = new ulong[s_fields.Length];
        bool[] seen = new bool[s_fields.Length];
        for (int i = 3; i < f.Count; i++)
        {
            int equals = f[i].Text.IndexOf('=', StringComparison.Ordinal);
            int which = equals < 0 ? -1 : Array.IndexOf(s_fields, f[i].Text[..equals]);
            if (which < 0)
            {
                continue; // fields this check does not use
            }

            ReadOnlySpan<char> value = f[i].Text.AsSpan(equals + 1);
            bool hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            bool ok = hex ? RecordingText.TryHex(value, out values[which]) : ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[which]);
            if (!ok || values[which] > uint.MaxValue)
            {
                error = RecordingText.At(file, line, f[i].Column, $"{s_fields[which]}: expected a number, found '{value}'", text);
                return false;
            }

            seen[which] = true;
        }

        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            error = RecordingText.At(file, line, column, $"irte[{index}]: the decoded field '{s_fields[missing]}' is missing", text);
            return false;
        }

        irte = new RecordedIrte(
            line, index, low, high, (byte)values[0], (uint)values[1], values[2] != 0, values[3] != 0, (int)values[4], (ushort)values[5], (int)values[6], (int)values[7]);
        return true;
    }
}
