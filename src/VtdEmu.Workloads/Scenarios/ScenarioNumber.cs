using System.Globalization;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Numbers as scenario and trace files write them: <c>0x</c>-prefixed hex or plain decimal, with
/// optional <c>_</c> separators between digits (<c>0xFEE0_0000</c>), at most 64 bits.
/// </summary>
public static class ScenarioNumber
{
    /// <summary>What a number should look like, for error messages.</summary>
    public const string Expected = "a number (0x-prefixed hex or decimal)";

    /// <summary>Parses a number; false for anything else, including values above 2^64 − 1.</summary>
    public static bool TryParse(string? text, out ulong value) => TryParse(text.AsSpan(), out value);

    /// <summary>Parses a number without allocating; false for anything else, including values above 2^64 − 1.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        bool hex = text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        ReadOnlySpan<char> digits = hex ? text[2..] : text;
        if (digits.IsEmpty || digits[0] == '_' || digits[^1] == '_')
        {
            return false;
        }

        if (digits.Contains('_'))
        {
            // Separators only between digits; 128 characters is far more than 64 bits need.
            Span<char> buffer = stackalloc char[128];
            int length = 0;
            foreach (char c in digits)
            {
                if (c == '_')
                {
                    continue;
                }

                if (length == buffer.Length)
                {
                    return false;
                }

                buffer[length++] = c;
            }

            return ParseDigits(buffer[..length], hex, out value);
        }

        return ParseDigits(digits, hex, out value);
    }

    private static bool ParseDigits(ReadOnlySpan<char> digits, bool hex, out ulong value) => hex
        ? ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
        : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Formats an address the way result lines print it: <c>0x</c>, lower case, no leading zeros.</summary>
    public static string FormatAddress(ulong address) => $"0x{address:x}";
}
