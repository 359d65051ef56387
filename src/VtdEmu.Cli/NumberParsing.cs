using System.CommandLine.Parsing;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli;

/// <summary>Command-line values in the scenario format's number forms (0x-prefixed hex or decimal).</summary>
internal static class NumberParsing
{
    public static ulong ParseULong(ArgumentResult result)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (ScenarioNumber.TryParse(token, out ulong value))
        {
            return value;
        }

        result.AddError($"expected {ScenarioNumber.Expected}, found '{token}'");
        return 0;
    }

    public static int ParseInt(ArgumentResult result)
    {
        ulong value = ParseULong(result);
        if (value > int.MaxValue)
        {
            result.AddError($"expected at most {int.MaxValue}, found '{result.Tokens[0].Value}'");
            return 0;
        }

        return (int)value;
    }
}
