using Spectre.Console;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli;

/// <summary>Where a command writes, and the platform it runs scenarios on.</summary>
/// <param name="Out">Result lines and tables.</param>
/// <param name="Error">Errors, mismatches, notes and progress.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>Builds platforms for <c>run</c> and <c>replay</c>: the hardware model unless a test swaps it.</summary>
    public IScenarioTargetFactory Platform { get; init; } = new PlatformScenarioTargetFactory();

    /// <summary>True when both streams are a terminal: colours and progress bars are allowed.</summary>
    public bool Interactive { get; init; }

    /// <summary>A Spectre console over <paramref name="writer"/>: plain text unless interactive.</summary>
    public IAnsiConsole ConsoleFor(TextWriter writer)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!Interactive)
        {
            console.Profile.Width = 120;
        }

        return console;
    }
}
