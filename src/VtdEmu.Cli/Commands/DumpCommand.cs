using System.CommandLine;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu dump SCENARIO...</c>: runs the scenarios, then prints the translation structures each
/// one left reachable from the latched root pointer, and what the IOTLB and context cache hold (the same as <c>vtdemu run --dump</c>).
/// </summary>
internal static class DumpCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Scenario files or directories, as for 'run'.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("dump", "Run scenarios, then print the tables reachable from the latched RTADDR and the cache contents.") { paths };
        command.SetAction(parse => RunCommand.Run(context, parse.GetRequiredValue(paths), parseOnly: false, dump: true));
        return command;
    }
}
