using System.CommandLine;
using VtdEmu.Cli.Commands;
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
        if (parse.Errors.Count > 0)
        {
            string help = parse.CommandResult.Command == root ? "vtdemu --help" : $"vtdemu {parse.CommandResult.Command.Name} --help";
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                string message = error.Message.TrimEnd('.');
                string? typo = parse.UnmatchedTokens.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal));
                string[] suggestions = typo is null ? [] : Suggestions(parse.CommandResult.Command, typo);
                string fix = suggestions.Length == 0
                    ? $"Run '{help}' for usage."
                    : $"Did you mean {string.Join(" or ", suggestions.Select(x => $"'{x}'"))}? Run '{help}' for usage.";
                context.Error.WriteLine($"vtdemu: error: {message}. {fix}");
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
            context.Error.WriteLine($"vtdemu: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    // System.CommandLine's typo correction, kept in our error path: the subcommands and options of the command
    // being parsed whose name starts like the mistyped token or lies within two edits of it.
    internal static string[] Suggestions(Command command, string token)
    {
        IEnumerable<string> names = command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
        return [.. names.Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(token.TrimStart('-'), name.TrimStart('-'))))
            .Where(c => c.Distance <= 2 || c.Name.TrimStart('-').StartsWith(token.TrimStart('-'), StringComparison.Ordinal) && token.TrimStart('-').Length >= 2)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(c => c.Name)];
    }

    // Levenshtein distance, two rows.
    private static int Distance(string a, string b)
    {
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        int[] current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static RootCommand CreateRoot(CliContext context)
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
