using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Faults;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// The word form of the outcomes <c>msi</c>, <c>ats-translate</c>, <c>page-request</c> and
/// <c>page-response</c> print, and of their assertions (tests/vectors/README.md, "Assertions"): an
/// assertion names the first printed word and any subset of the others, in any order. Words are
/// normalised so that numbers compare by value (<c>dest=1</c> is <c>dest=0x1</c>) and <c>fault XX</c> is one
/// word whose reason may be given by name.
/// </summary>
internal static class ScenarioOutcomeWords
{
    /// <summary>What the outcome of one command may say.</summary>
    /// <param name="Heads">The first words.</param>
    /// <param name="Keys">KEY=VALUE words: the allowed values, or null for a number.</param>
    /// <param name="Flags">Bare words.</param>
    /// <param name="Numbers">Whether a bare number (an address) may appear.</param>
    /// <param name="Faults">Whether <c>fault XX</c> may appear.</param>
    public sealed record Vocabulary(string[] Heads, Dictionary<string, string[]?> Keys, string[] Flags, bool Numbers, bool Faults)
    {
        public string Describe() =>
            $"'{string.Join('|', Heads)}'" + (Keys.Count + Flags.Length > 0 || Numbers || Faults
                ? $" then any of {string.Join(", ", Keys.Keys.Select(k => k + "=" + (Keys[k] is { } values ? string.Join('|', values) : "N")).Concat(Flags).Concat(Numbers ? ["ADDR"] : []).Concat(Faults ? ["fault XX"] : []))}"
                : string.Empty);
    }

    public static Vocabulary Msi { get; } = new(
        ["delivered", "posted", "fault"],
        new() { ["dest"] = null, ["vector"] = null, ["dlm"] = null, ["irte"] = null },
        ["physical", "logical", "edge", "level", "rh", "compat", "notify", "no-notify", "fpd"],
        Numbers: false,
        Faults: true);

    public static Vocabulary Ats { get; } = new(
        ["translated", "no-access", "ur"],
        [],
        ["4k", "2m", "1g", "rw", "r-", "-w"],
        Numbers: true,
        Faults: true);

    public static Vocabulary PageRequest { get; } = new(
        ["queued", "overflowed", "rejected", "dropped", "unsupported"],
        new() { ["response"] = ["success", "invalid-request", "failure"] },
        [],
        Numbers: false,
        Faults: false);

    public static Vocabulary PageResponse { get; } = new(
        ["none", "success", "invalid-request", "failure"],
        new() { ["pasid"] = null },
        ["from-unit"],
        Numbers: false,
        Faults: false);

    /// <summary>Normalises an assertion's words; null with <paramref name="error"/> when a word is not in <paramref name="vocabulary"/>.</summary>
    public static ImmutableArray<string>? TryNormalize(ReadOnlySpan<string> words, Vocabulary vocabulary, out string error)
    {
        error = string.Empty;
        if (words.IsEmpty || Array.IndexOf(vocabulary.Heads, words[0]) < 0)
        {
            error = $"expected {vocabulary.Describe()}, found '{(words.IsEmpty ? string.Empty : words[0])}'";
            return null;
        }

        ImmutableArray<string>.Builder normalized = ImmutableArray.CreateBuilder<string>();
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            if (word == "fault" && vocabulary.Faults)
            {
                if (i + 1 >= words.Length || ParseFault(words[i + 1]) is not { } reason)
                {
                    error = $"fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found '{(i + 1 < words.Length ? words[i + 1] : string.Empty)}'";
                    return null;
                }

                normalized.Add(Fault(reason));
                i++;
                continue;
            }

            if (i == 0)
            {
                normalized.Add(word);
                continue;
            }

            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && vocabulary.Keys.TryGetValue(word[..equals], out string[]? values))
            {
                string value = word[(equals + 1)..];
                ulong number = 0;
                if (values is null ? !ScenarioNumber.TryParse(value, out number) : Array.IndexOf(values, value) < 0)
                {
                    error = $"{word[..equals]}=: expected {(values is null ? ScenarioNumber.Expected : string.Join(", ", values))}, found '{value}'";
                    return null;
                }

                normalized.Add(values is null ? $"{word[..equals]}={Number(number)}" : word);
                continue;
            }

            if (Array.IndexOf(vocabulary.Flags, word) >= 0)
            {
                normalized.Add(word);
                continue;
            }

            if (vocabulary.Numbers && ScenarioNumber.TryParse(word, out ulong address))
            {
                normalized.Add(Number(address));
                continue;
            }

            error = $"unexpected '{word}': expected {vocabulary.Describe()}";
            return null;
        }

        return normalized.ToImmutable();
    }

    /// <summary>Whether a printed outcome satisfies normalised expected words.</summary>
    public static bool Matches(ImmutableArray<string> expected, string printed)
    {
        List<string> actual = Split(printed);
        if (expected.IsDefaultOrEmpty || actual.Count == 0 || !SameHead(expected[0], actual[0]))
        {
            return false;
        }

        for (int i = 1; i < expected.Length; i++)
        {
            if (!actual.Contains(expected[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The words of a printed outcome, <c>fault XX</c> kept together and numbers in the assertion's form.</summary>
    private static List<string> Split(string printed)
    {
        string[] words = printed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>(words.Length);
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            result.Add(
                word == "fault" && i + 1 < words.Length ? $"fault {words[++i]}"
                : equals > 0 && ScenarioNumber.TryParse(word.AsSpan(equals + 1), out ulong value) ? $"{word[..equals]}={Number(value)}"
                : i > 0 && ScenarioNumber.TryParse(word, out ulong number) ? Number(number)
                : word);
        }

        return result;
    }

    // "fault" as the first expected word carries its reason, which must match exactly.
    private static bool SameHead(string expected, string actual) => expected == actual;

    /// <summary>The printed form of a fault reason: <c>fault 06</c>.</summary>
    public static string Fault(FaultReason reason) => $"fault {(byte)reason:x2}";

    /// <summary>The printed form of a number in an outcome: <c>0x</c>, lower-case hex.</summary>
    public static string Number(ulong value) => ScenarioNumber.FormatAddress(value);

    /// <summary>A reason code (01-ff, hex) or a <see cref="FaultReason"/> name as the enum spells it; null otherwise.</summary>
    public static FaultReason? ParseFault(string token)
    {
        string code = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;
        if (code.Length is >= 1 and <= 2
            && byte.TryParse(code, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte reason)
            && reason != 0)
        {
            return (FaultReason)reason;
        }

        if (token.Length > 2 && char.IsAsciiLetterUpper(token[0])
            && Enum.TryParse(token, ignoreCase: false, out FaultReason named) && named != FaultReason.None
            && Enum.IsDefined(named) && named.ToString() == token)
        {
            return named;
        }

        return null;
    }
}
