using System.Text.RegularExpressions;
using VtdEmu.Cli.Demo;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData]
    [InlineData("demo")]
    public void Demo_IsTheDefault_RunsTheWorkloadAndReports(params string[] args)
    {
        Assert.Equal(ExitCode.Success, _cli.Run(args));

        Assert.Empty(_cli.Error);
        Assert.Matches(new Regex($@"│ total\s+│\s+│\s+{DemoWorkload.ExpectedDmas} │"), _cli.Out);
        Assert.Contains($"packets received and verified in host memory: {2 * DemoWorkload.PacketsPerNic}/{2 * DemoWorkload.PacketsPerNic}", _cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qemu", "0x220")]
    [InlineData("broadwell", "0x100")]
    [InlineData("sapphire-rapids", "0x400")]
    public void Demo_DeliberateFault_ReadBackFromFrcdWithItsReason(string preset, string _)
    {
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // One record: the storage controller (00:1f.2) writing its completion into the read-only command page.
        Assert.Matches(new Regex(@"│ 0\s+│ 00:1f\.2 │ write\s+│ 0x40000000 │ 0x05 WriteDenied\s+│"), _cli.Out);
        Assert.Contains("FSTS 0x00000002 PPF=1 PFO=0 FRI=0", _cli.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"│ 00:1f\.2 │ storage\s+│\s+17 │\s+65536 │\s+17 │ .*│ 1 \(last: WriteDenied\) │"), _cli.Out);
    }

    [Theory]
    [InlineData("qemu", 5)]       // root + context + 3 levels (39-bit)
    [InlineData("broadwell", 6)]  // 48-bit: 4 levels
    public void Demo_TableReadsPerTranslation_FollowTheAddressWidth(string preset, int reads)
    {
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        Assert.Matches(new Regex($@"│ total\s+│\s+│\s+\d+ │\s+\d+ │\s+(\d+) │\s+{reads * DemoWorkload.ExpectedDmas} │\s+{reads}\.00 │"), _cli.Out);
    }

    [Fact]
    public void Demo_CacheStatistics_AreNotInventedBeforeTheCachesExist()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("demo"));

        Assert.Matches(new Regex(@"│ IOTLB\s+│ not modelled yet"), _cli.Out);
    }

    [Fact]
    public void Demo_UnknownPreset_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("demo", "--preset", "skylake"));
        Assert.Contains("unknown preset 'skylake'", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("frobnicate"));
        Assert.Contains("'frobnicate'", _cli.Error, StringComparison.Ordinal);
    }
}
