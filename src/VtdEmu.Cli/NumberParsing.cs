using System.CommandLine.Parsing;
using System.Globalization;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli;

/// <summary>
/// Command-line numbers in the scenario format's forms (0x-prefixed hex or decimal), as custom parsers: an error
/// names the option and the form expected, never a .NET type (System.CommandLine's own message for an
/// <c>Option&lt;int&gt;</c> says "as expected type 'System.Int32'").
/// </summary>
internal static class NumberParsing
{
    public static ulong ParseULong(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string token = Token(result);
        if (ScenarioNumber.TryParse(token, out ulong value))
        {
            return value;
        }

        result.AddError($"{Name(result)}: expected {ScenarioNumber.Expected}, found '{token}'");
        return 0;
    }

    public static int ParseInt(ArgumentResult result) => (int)ParseAtMost(result, int.MaxValue);

    public static long ParseLong(ArgumentResult result) => (long)ParseAtMost(result, long.MaxValue);

    /// <summary>A decimal fraction such as 0.99 or 1e-3.</summary>
    public static double ParseDouble(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string token = Token(result);
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            return value;
        }

        result.AddError($"{Name(result)}: expected a decimal number such as 0.5, found '{token}'");
        return 0;
    }

    private static ulong ParseAtMost(ArgumentResult result, ulong max)
    {
        ulong value = ParseULong(result);
        if (value > max)
        {
            result.AddError($"{Name(result)}: expected at most {max}, found '{Token(result)}'");
            return 0;
        }

        return value;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;

    // The option's name (--count), or the argument's (<value>).
    private static string Name(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : $"<{result.Argument.Name}>";
}
