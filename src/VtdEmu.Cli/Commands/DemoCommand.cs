using System.CommandLine;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu demo</c> (also what <c>vtdemu</c> does with no arguments). The demo needs the hardware
/// platform, which this build does not have yet, so for now it says so and points at what works.
/// </summary>
internal static class DemoCommand
{
    public const string Message =
        "vtdemu demo: once wired, the demo will program a remapping unit through its registers, map a page for a device, " +
        "and show a translated DMA, a cached translation going stale, and a recorded fault.\n" +
        "It needs the hardware platform, which is not wired into this build yet.\n" +
        "What works now: vtdemu decode cap 0x00d2008c22260206, vtdemu run --parse-only FILE, " +
        "vtdemu trace-gen, vtdemu replay TRACE (parse and summary). See vtdemu --help.";

    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "A guided tour of the emulator (the default command).");
        command.SetAction(_ => Run(context));
        return command;
    }

    public static int Run(CliContext context)
    {
        context.Error.WriteLine(Message);
        return ExitCode.NotAvailable;
    }
}
