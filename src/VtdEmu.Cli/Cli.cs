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
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                context.Error.WriteLine($"vtdemu: {error.Message}");
            }

            context.Error.WriteLine("Run 'vtdemu --help' for usage.");
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
