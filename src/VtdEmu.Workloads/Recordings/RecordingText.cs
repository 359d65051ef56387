using System.Globalization;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// Reading the text files of a recording: line splitting with a size limit, hex and decimal fields,
/// and errors that name the file, line and column of the bad field.
/// </summary>
internal static class RecordingText
{
    /// <summary>Largest text file read (the recordings' files are tens of KiB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Lines of <paramref name="path"/>, or an error for a missing, unreadable or oversized file.</summary>
    public static string[]? ReadLines(string path, string name, out ScenarioError? error)
    {
        error = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = new ScenarioError(new SourceLocation(name, 0), "missing from the recording");
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                error = new ScenarioError(new SourceLocation(name, 0), $"{info.Length} bytes: larger than the {MaxFileBytes >> 20} MiB a recording file may be");
                return null;
            }

            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = new ScenarioError(new SourceLocation(name, 0), $"cannot read: {e.Message}");
            return null;
        }
    }

    /// <summary>The whitespace-separated fields of a line with their 1-based columns; blank and <c>#</c> lines have none.</summary>
    public static List<(string Text, int Column)> Fields(string line)
    {
        var fields = new List<(string, int)>();
        int i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }

            if (fields.Count == 0 && line[i] == '#')
            {
                break;
            }

            int start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            fields.Add((line[start..i], start + 1));
        }

        return fields;
    }

    /// <summary>A hex number with or without <c>0x</c> (at most 16 digits).</summary>
    public static bool TryHex(ReadOnlySpan<char> text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        value = 0;
        return text.Length is > 0 and <= 16 && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A non-negative decimal number that fits an int.</summary>
    public static bool TryDecimal(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A requester id written <c>bb:dd.f</c> in hex; the function may carry a leading zero (<c>00:03.00</c>,
    /// as translations.trace writes it).
    /// </summary>
    public static bool TryBdf(ReadOnlySpan<char> text, out ushort sourceId)
    {
        sourceId = 0;
        int colon = text.IndexOf(':');
        int dot = text.IndexOf('.');
        if (colon < 1 || dot < colon + 2
            || !TryHex(text[..colon], out ulong bus) || !TryHex(text[(colon + 1)..dot], out ulong device) || !TryHex(text[(dot + 1)..], out ulong function)
            || bus > 0xFF || device > Bdf.MaxDevice || function > Bdf.MaxFunction)
        {
            return false;
        }

        sourceId = (ushort)((bus << 8) | (device << 3) | function);
        return true;
    }

    /// <summary>An error at a field of a line, with the line shown under it.</summary>
    public static ScenarioError At(string file, int line, int column, string message, string source) =>
        new(new SourceLocation(file, line, column), message) { SourceLine = source };
}
