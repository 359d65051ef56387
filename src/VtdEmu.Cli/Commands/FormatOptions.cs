using System.CommandLine;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>--format text|json</c> and its shorthand <c>--json</c>, for the commands whose output a script
/// reads (schemas in the README, "Machine-readable output").
/// </summary>
internal sealed class FormatOptions
{
    private readonly Option<string> _format;
    private readonly Option<bool> _json;

    private FormatOptions(Option<string> format, Option<bool> json)
    {
        _format = format;
        _json = json;
    }

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public static FormatOptions AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var format = new Option<string>("--format") { Description = "text (tables for the eye, the default) or json (one JSON document on stdout).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var json = new Option<bool>("--json") { Description = "Same as --format json." };
        command.Add(format);
        command.Add(json);
        return new FormatOptions(format, json);
    }

    /// <summary>True when JSON was asked for.</summary>
    public bool IsJson(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(_json) || parse.GetValue(_format) == "json";
    }
}
