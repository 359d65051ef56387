using VtdEmu.Cli.Commands;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData]
    [InlineData("demo")]
    public void Demo_IsTheDefaultAndSaysItNeedsThePlatform(params string[] args)
    {
        Assert.Equal(ExitCode.NotAvailable, _cli.Run(args));
        Assert.Empty(_cli.Out);
        Assert.Equal(DemoCommand.Message + "\n", _cli.Error);
    }

    [Fact]
    public void UnknownCommand_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("regs"));
        Assert.Contains("'regs'", _cli.Error, StringComparison.Ordinal);
    }
}
