namespace VtdEmu.Cli;

internal static class Program
{
    private static int Main(string[] args) =>
        Cli.Run(args, new CliContext(Console.Out, Console.Error)
        {
            Interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected,
        });
}
