using System.CommandLine;
using System.CommandLine.Parsing;
using Spectre.Console;
using VtdEmu.Cli.Decoding;
using VtdEmu.Scenarios;

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
            CustomParser = ParseValues,
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

    private static ulong[] ParseValues(ArgumentResult result)
    {
        ulong[] values = new ulong[result.Tokens.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string token = result.Tokens[i].Value;
            if (!ScenarioNumber.TryParse(token, out values[i]))
            {
                result.AddError($"expected {ScenarioNumber.Expected}, found '{token}'");
            }
        }

        return values;
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
