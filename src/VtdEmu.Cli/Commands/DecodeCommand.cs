using System.CommandLine;
using Spectre.Console;
using VtdEmu.Cli.Decoding;

namespace VtdEmu.Cli.Commands;

/// <summary><c>vtdemu decode cap|ecap VALUE...</c>: a register value, field by field.</summary>
internal static class DecodeCommand
{
    public static Command Create(CliContext context)
    {
        var register = new Argument<string>("register")
        {
            Description = "Which register the values are: cap (CAP_REG) or ecap (ECAP_REG).",
        };
        register.AcceptOnlyFromAmong("cap", "ecap");
        var values = new Argument<ulong[]>("value")
        {
            Description = "Register values, 0x-prefixed hex or decimal.",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => [.. result.Tokens.Select((_, i) => ParseToken(result, i))],
        };
        var command = new Command("decode", "Decode CAP or ECAP values field by field, with the spec's mnemonics and bit ranges.")
        {
            register,
            values,
        };
        command.SetAction(parse =>
        {
            string which = parse.GetRequiredValue(register);
            IAnsiConsole console = context.ConsoleFor(context.Out);
            foreach (ulong value in parse.GetRequiredValue(values))
            {
                IReadOnlyList<RegisterFieldRow> rows = which == "cap"
                    ? CapabilityDecoder.Decode(value)
                    : ExtendedCapabilityDecoder.Decode(value);
                console.Write(Render($"{which.ToUpperInvariant()} 0x{value:x16}", rows));
            }

            return ExitCode.Success;
        });
        return command;
    }

    private static ulong ParseToken(System.CommandLine.Parsing.ArgumentResult result, int index)
    {
        string token = result.Tokens[index].Value;
        if (Scenarios.ScenarioNumber.TryParse(token, out ulong value))
        {
            return value;
        }

        result.AddError($"expected {Scenarios.ScenarioNumber.Expected}, found '{token}'");
        return 0;
    }

    private static Table Render(string title, IReadOnlyList<RegisterFieldRow> rows)
    {
        var table = new Table { Title = new TableTitle(title) };
        table.AddColumn("Field");
        table.AddColumn(new TableColumn("Bits").RightAligned());
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddColumn("Meaning");
        foreach (RegisterFieldRow row in rows)
        {
            table.AddRow(new Text(row.Field), new Text(row.Bits), new Text(row.Value), new Text(row.Meaning));
        }

        return table;
    }
}
