using VtdEmu.Memory;

namespace VtdEmu.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public void AssemblyName_DiffersFromTheCoreIgnoringCase()
    {
        // Assembly names compare case-insensitively: an exe called "vtdemu" would be loaded in place
        // of the core "VtdEmu" and fail with TypeLoadException.
        Assert.NotEqual(
            typeof(GuestMemory).Assembly.GetName().Name,
            typeof(Cli).Assembly.GetName().Name,
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Help_ListsTheCommandsAndExitCodes()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.Success, Cli.Run(["--help"], output, error));
        foreach (string command in new[] { "demo", "run", "replay", "decode", "trace-gen", "regs", "dump", "x86" })
        {
            Assert.Contains($"  {command} ", output.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 ok, 1 assertion failed, 2 bad input, 4 internal error", output.ToString(), StringComparison.Ordinal);
    }
}
