using System.CommandLine;
using VtdEmu.Cli.Options;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>--format text|json</c> and its shorthand <c>--json</c>, for the commands whose output a script
/// reads (schemas in the README, "Machine-readable output").
/// </summary>
internal sealed class FormatOptions
{
    private readonly Option<Choice<bool>> _format;
    private readonly Option<bool> _json;

    private FormatOptions(Option<Choice<bool>> format, Option<bool> json)
    {
        _format = format;
        _json = json;
    }

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public static FormatOptions AddTo(Command command, string json = "one JSON document on stdout")
    {
        ArgumentNullException.ThrowIfNull(command);
        Option<Choice<bool>> format = CliChoices.OutputFormats.Option("--format", $"text (tables for the eye) or json ({json}).", false);
        var shorthand = new Option<bool>("--json") { Description = "Same as --format json." };
        command.Add(format);
        command.Add(shorthand);
        return new FormatOptions(format, shorthand);
    }

    /// <summary>True when JSON was asked for.</summary>
    public bool IsJson(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(_json) || parse.GetValue(_format).Value;
    }
}
