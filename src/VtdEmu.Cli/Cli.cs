using System.CommandLine;
using System.CommandLine.Parsing;
using VtdEmu.Cli.Commands;
using VtdEmu.Cli.Options;
using VtdEmu.Registers;

namespace VtdEmu.Cli;

/// <summary>
/// The <c>vtdemu</c> command line, runnable in-process: <c>Run</c> takes the arguments and the
/// two output streams and returns the exit code (<see cref="ExitCode"/>), so tests need no process.
/// </summary>
internal static class Cli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliContext(stdout, stderr));

    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        RootCommand root = CreateRoot(context);
        ParseResult parse = root.Parse(args);
        string[] strays = StrayOptions(parse);
        if (parse.Errors.Count > 0 || strays.Length > 0)
        {
            string help = CliError.SeeHelp(CommandPath(parse.CommandResult));
            IEnumerable<(string Message, string? Typo)> errors = strays.Select(s => ($"Unrecognized option '{s}'", (string?)s))
                .Concat(parse.Errors.Select(e => (e.Message, parse.UnmatchedTokens.FirstOrDefault(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))));
            foreach ((string message, string? typo) in errors)
            {
                string[] suggestions = typo is null ? [] : Suggestions(parse.CommandResult.Command, typo);
                string fix = suggestions.Length == 0
                    ? help
                    : $"Did you mean {string.Join(" or ", suggestions.Select(x => $"'{x}'"))}? {help}";
                CliError.Write(context.Error, message, fix);
            }

            return ExitCode.BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
#pragma warning disable CA1031 // The one place that turns a bug into a one-line message instead of a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CliError.Write(
                context.Error,
                $"internal error: {e.GetType().Name}: {e.Message}",
                "This is a bug in vtdemu: please report it with the command line and input files that caused it.",
                ExitCode.InternalError);
        }
    }

    // System.CommandLine's typo correction, kept in our error path: the subcommands and options of the command
    // being parsed whose name starts like the mistyped token or lies within two edits of it.
    internal static string[] Suggestions(Command command, string token)
    {
        IEnumerable<string> names = command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
        return [.. names.Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: EditDistance.Between(token.TrimStart('-'), name.TrimStart('-'))))
            .Where(c => c.Distance <= 2 || c.Name.TrimStart('-').StartsWith(token.TrimStart('-'), StringComparison.Ordinal) && token.TrimStart('-').Length >= 2)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(c => c.Name)];
    }

    // Tokens like '--page-siz' that System.CommandLine took as a positional value because no option has that name:
    // a mistyped option, reported as one (with the suggestion) rather than as a file called '--page-siz'. Values after
    // a '--' stay values.
    private static string[] StrayOptions(ParseResult parse)
    {
        int doubleDash = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        HashSet<Token> literal = doubleDash < 0 ? [] : [.. parse.Tokens.Skip(doubleDash + 1)];
        return [.. parse.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Where(t => !literal.Contains(t) && t.Value.Length > 2 && t.Value.StartsWith("--", StringComparison.Ordinal))
            .Select(t => t.Value)];
    }

    // "trace convert" for a subcommand; empty for the root, so the help hint reads 'vtdemu --help'.
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult command && command.Parent is not null; r = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }

    internal static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand(
            "vtdemu: a register-level Intel VT-d (DMA remapping) emulator.\n" +
            $"Exit codes: {ExitCode.Success} ok, {ExitCode.Failed} assertion failed, {ExitCode.BadInput} bad input, " +
            $"{ExitCode.InternalError} internal error.")
        {
            DemoCommand.Create(context),
            RunCommand.Create(context),
            CompareCommand.Create(context),
            ReplayCommand.Create(context),
            ReplayMmioCommand.Create(context),
            DecodeCommand.Create(context),
            TraceGenCommand.Create(context),
            TraceCommand.Create(context),
            RegsCommand.Create(context),
            DumpCommand.Create(context),
            X86Command.Create(context),
            PlatformCommand.Create(context),
            SweepCommand.Create(context),
            PlotCommand.Create(context),
        };
        root.SetAction(_ => DemoCommand.Run(context, UnitConfiguration.Qemu.Name));
        return root;
    }
}
