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

    [Theory]
    [InlineData("rn", "'run'")]
    [InlineData("replya", "'replay'")]
    public void MistypedCommand_ErrorKeepsTheSuggestion(string typo, string suggestion)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run([typo], output, error));

        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains($"Did you mean {suggestion}", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("vtdemu: error: ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.EndsWith("for usage.", l, StringComparison.Ordinal));
    }

    [Fact]
    public void MistypedOption_ErrorKeepsTheSuggestionAndNamesTheCommandsHelp()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run(["regs", "--prest", "qemu"], output, error));

        Assert.Contains("Did you mean '--preset'? Run 'vtdemu regs --help' for usage.", error.ToString(), StringComparison.Ordinal);
    }
}
