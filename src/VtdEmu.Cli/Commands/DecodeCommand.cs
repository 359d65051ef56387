using System.CommandLine;
using System.CommandLine.Parsing;
using Spectre.Console;
using VtdEmu.Cli.Decoding;
using VtdEmu.Cli.Options;
using VtdEmu.Tables;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu decode cap|ecap|slpte|flpte VALUE...</c>, <c>vtdemu decode context LO HI...</c> and
/// <c>vtdemu decode pasid-entry W0 [W1 ... W7]</c>: a register value or a table entry, field by field.
/// </summary>
internal static class DecodeCommand
{
    private static readonly Choices<string> s_kinds = new(new[] { "cap", "ecap", "context", "pasid-entry", "slpte", "flpte" }.Select(k => (k, k)));

    public static Command Create(CliContext context)
    {
        Argument<Choice<string>> register = s_kinds.Argument(
            "register",
            "What the values are: cap (CAP_REG), ecap (ECAP_REG), context (legacy context entry: pairs of words, bits 63:0 then 127:64), pasid-entry (one scalable-mode PASID-table entry: up to 8 words, bits 63:0 first, missing words 0), slpte (second-level paging entry) or flpte (first-level paging entry).");
        var values = new Argument<ulong[]>("value")
        {
            Description = "Register values, 0x-prefixed hex or decimal.",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseValues,
        };
        var command = new Command("decode", "Decode CAP, ECAP, context-entry, PASID-entry, SLPTE or FLPTE values field by field, with the spec's mnemonics and bit ranges.")
        {
            register,
            values,
        };
        FormatOptions format = FormatOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetValue(register).Name, parse.GetRequiredValue(values), format.IsJson(parse)));
        return command;
    }

    private static int Run(CliContext context, string which, ulong[] values, bool json)
    {
        if (which == "context" && values.Length % 2 != 0)
        {
            return CliError.Write(context.Error, $"decode context: expected pairs of values (bits 63:0, then bits 127:64), found {Counts.Plural(values.Length, "value")}", "Give both words of every entry.");
        }

        var decoded = new List<(string Title, UInt128 Value, IReadOnlyList<RegisterFieldRow> Rows)>();
        if (which == "pasid-entry")
        {
            if (values.Length > PasidEntry.WordCount)
            {
                return CliError.Write(context.Error, $"decode pasid-entry: a PASID-table entry has {PasidEntry.WordCount} words, found {Counts.Plural(values.Length, "value")}", "Decode one entry at a time.");
            }

            // One entry: the title shows the words given (highest first); JSON's value field holds bits 127:0.
            ulong[] words = new ulong[PasidEntry.WordCount];
            values.CopyTo(words, 0);
            string hex = string.Join("_", words.Take(values.Length).Reverse().Select(w => $"{w:x16}"));
            decoded.Add(($"PASID entry 0x{hex}", ((UInt128)words[1] << 64) | words[0], PasidEntryDecoder.Decode(words)));
        }
        else
        {
            for (int i = 0; i < values.Length; i += which == "context" ? 2 : 1)
            {
                decoded.Add(which switch
                {
                    "context" => ($"context entry 0x{values[i + 1]:x16}_{values[i]:x16}", ((UInt128)values[i + 1] << 64) | values[i], ContextEntryDecoder.Decode(values[i], values[i + 1])),
                    "cap" => ($"CAP 0x{values[i]:x16}", values[i], CapabilityDecoder.Decode(values[i])),
                    "ecap" => ($"ECAP 0x{values[i]:x16}", values[i], ExtendedCapabilityDecoder.Decode(values[i])),
                    "flpte" => ($"FLPTE 0x{values[i]:x16}", values[i], FirstLevelEntryDecoder.Decode(values[i])),
                    _ => ($"SLPTE 0x{values[i]:x16}", values[i], SecondLevelEntryDecoder.Decode(values[i])),
                });
            }
        }

        if (json)
        {
            JsonOutput.Write(context.Out, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("kind", which);
                writer.WriteStartArray("values");
                foreach ((string title, UInt128 value, IReadOnlyList<RegisterFieldRow> rows) in decoded)
                {
                    JsonOutput.WriteDecoded(writer, title, value, rows);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return ExitCode.Success;
        }

        IAnsiConsole console = context.ConsoleFor(context.Out);
        foreach ((string title, _, IReadOnlyList<RegisterFieldRow> rows) in decoded)
        {
            console.Write(Render(title, rows));
        }

        return ExitCode.Success;
    }

    private static ulong[] ParseValues(ArgumentResult result)
    {
        ulong[] values = new ulong[result.Tokens.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string token = result.Tokens[i].Value;
            if (!ScenarioNumber.TryParse(token, out values[i]))
            {
                result.AddError($"<value>: expected {ScenarioNumber.Expected}, found '{token}'");
            }
        }

        return values;
    }

    public static Table Render(string title, IReadOnlyList<RegisterFieldRow> rows)
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
