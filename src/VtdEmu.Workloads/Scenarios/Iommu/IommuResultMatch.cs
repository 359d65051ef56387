using VtdEmu.Faults;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// How <c>== expected</c> compares with a printed result: word by word; two numbers compare by value (<c>0x10</c>
/// = <c>16</c>); after <c>fault</c>, a fault reason may be named (<c>fault write-denied</c> = <c>fault 05</c>).
/// </summary>
internal static class IommuResultMatch
{
    public static bool Matches(string result, IReadOnlyList<string> expected)
    {
        string[] actual = result.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (actual.Length != expected.Count)
        {
            return false;
        }

        for (int i = 0; i < actual.Length; i++)
        {
            bool afterFault = i > 0 && actual[i - 1] == "fault";
            if (!WordMatches(actual[i], expected[i], afterFault))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WordMatches(string actual, string expected, bool faultCode)
    {
        if (actual == expected)
        {
            return true;
        }

        if (faultCode)
        {
            return TryFaultCode(actual, out byte a) && TryFaultCode(expected, out byte e) && a == e;
        }

        return ScenarioNumber.TryParse(actual, out ulong x) && ScenarioNumber.TryParse(expected, out ulong y) && x == y;
    }

    /// <summary>A fault reason as two hex digits or by name (<c>WriteDenied</c>, <c>write-denied</c>).</summary>
    public static bool TryFaultCode(string text, out byte code)
    {
        if (text.Length <= 2 && byte.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out code))
        {
            return true;
        }

        string plain = text.Replace("-", string.Empty, StringComparison.Ordinal);
        if (!plain.All(char.IsAsciiLetter) || !Enum.TryParse(plain, ignoreCase: true, out FaultReason reason))
        {
            code = 0;
            return false;
        }

        code = (byte)reason;
        return true;
    }
}
