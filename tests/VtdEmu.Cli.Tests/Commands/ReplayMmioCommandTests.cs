using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

/// <summary><c>vtdemu replay-mmio</c> on the shipped Linux boots (tests/data/linux-boot) and on broken copies.</summary>
public sealed class ReplayMmioCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Recording(string name) => Path.Combine(CliHarness.LinuxBootDirectory, name);

    [Fact]
    public void ReplayMmio_Legacy_ExitsZero_WithTheSummary()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("replay-mmio", Recording("legacy")));

        Assert.Matches(new Regex(@"│ accesses\s+│\s+486 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ reads matched\s+│\s+18/18 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ descriptors processed\s+│\s+902/902 \(902 matched, 451 wait status writes\) │"), _cli.Out);
        Assert.Matches(new Regex(@"│ registers matched\s+│\s+(\d+)/\1 \(at reset (\d+)/\2\) │"), _cli.Out);
        Assert.Matches(new Regex(@"│ translations matched\s+│\s+320 \(181 of 501 unmapped since\) │"), _cli.Out);
        Assert.Matches(new Regex(@"│ IRTEs matched\s+│\s+14/14 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ MSIs remapped\s+│\s+14/14 │"), _cli.Out);
        Assert.DoesNotContain("mismatch:", _cli.Out, StringComparison.Ordinal);
        Assert.Empty(_cli.Error);
    }

    [Fact]
    public void ReplayMmio_Scalable_ExitsZero_PrintsTheDocumentedDeparture()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("replay-mmio", Recording("scalable")));

        Assert.Matches(new Regex(@"│ mismatches\s+│\s+0 \(\+1 documented\) │"), _cli.Out);
        Assert.Contains("documented: regs-final.txt: IQA (0x090/8)", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("§11.4.22", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("spec-notes/replay-mmio.md", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayMmio_Mismatch_ExitsOne_NamesLineAndRegister()
    {
        string copy = CopyOf("legacy");
        string[] lines = File.ReadAllLines(Path.Combine(copy, "mmio.trace"));
        lines[18] = "R 0x1c 4 0x5000000";
        File.WriteAllLines(Path.Combine(copy, "mmio.trace"), lines);

        Assert.Equal(ExitCode.Failed, _cli.Run("replay-mmio", copy));

        Assert.Contains("mismatch: mmio.trace:19: GSTS (0x01c/4): recorded 0x05000000, model 0x07000000", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("replay-mmio: 1 mismatch between the model and the recording", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayMmio_MalformedRecording_ExitsTwo_WithFileLineAndCaret()
    {
        string copy = CopyOf("legacy");
        string[] lines = File.ReadAllLines(Path.Combine(copy, "mmio.trace"));
        lines[4] = "R 0x0 3 0x10";
        File.WriteAllLines(Path.Combine(copy, "mmio.trace"), lines);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay-mmio", copy));

        Assert.Contains("mmio.trace:5:7: expected size 4 or 8, found '3'", _cli.Error, StringComparison.Ordinal);
        Assert.Contains("^", _cli.Error, StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Theory]
    [InlineData("no-such-folder")]
    [InlineData("--haw=70")]
    public void ReplayMmio_BadArguments_ExitTwo(string argument)
    {
        string[] args = argument.StartsWith("--", StringComparison.Ordinal) ? ["replay-mmio", Recording("legacy"), argument] : ["replay-mmio", Path.Combine(_cli.Scratch, argument)];

        Assert.Equal(ExitCode.BadInput, _cli.Run(args));

        Assert.StartsWith("vtdemu: error: replay-mmio: ", Assert.Single(_cli.ErrorLines), StringComparison.Ordinal);
    }

    private string CopyOf(string name)
    {
        string copy = Path.Combine(_cli.Scratch, name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(Recording(name)))
        {
            string target = Path.Combine(copy, Path.GetFileName(file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }

        return copy;
    }
}
