using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class TraceGenCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void TraceGen_Stdout_WritesHeaderAndCountLines()
    {
        int exit = _cli.Run("trace-gen", "--pattern", "strided", "--count", "3", "--stride", "0x2000", "--base", "0x100000", "--device", "00:03.0", "--device", "01:00.1");

        Assert.Equal(ExitCode.Success, exit);
        Assert.StartsWith("# vtdemu trace-gen: pattern=strided count=3", _cli.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(["00:03.0 0x100000 64 R", "01:00.1 0x102000 64 R", "00:03.0 0x104000 64 R"], _cli.OutLines[1..]);
    }

    [Fact]
    public void TraceGen_GzipFile_ReplaysWithTheSameSummary()
    {
        string path = Path.Combine(_cli.Scratch, "r.trace.gz");

        Assert.Equal(ExitCode.Success, _cli.Run("trace-gen", "--pattern", "random", "--count", "500", "--pages", "8", "--write-ratio", "0.5", "-o", path));
        byte[] head = File.ReadAllBytes(path)[..2];
        Assert.Equal(new byte[] { 0x1F, 0x8B }, head);

        Assert.Equal(ExitCode.Success, _cli.Run("replay", path));
        Assert.Matches(new Regex(@"│ accesses\s+│\s+500 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ ok\s+│\s+500 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ distinct 4-KiB pages\s+│\s+8 │"), _cli.Out);
    }

    [Theory]
    [InlineData("--device", "0:3")]
    [InlineData("--length", "0")]
    [InlineData("--write-ratio", "2")]
    public void TraceGen_BadOption_ExitsBadInput(string option, string value)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("trace-gen", option, value));
        Assert.StartsWith("vtdemu: error: trace-gen: ", Assert.Single(_cli.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void TraceGen_BinaryFile_StartsWithTheMagicAndHoldsCountRecords()
    {
        string path = Path.Combine(_cli.Scratch, "r.vtdt");

        Assert.Equal(ExitCode.Success, _cli.Run("trace-gen", "--count", "100", "-o", path));

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x56, 0x54, 0x44, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(16 + (100 * 16) + 16, bytes.Length);
    }

    [Fact]
    public void TraceGen_BinaryToStdout_AsksForAFile()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("trace-gen", "--format", "binary"));

        Assert.Equal(["vtdemu: error: trace-gen: a binary or compressed trace needs an output file. Add -o FILE."], _cli.ErrorLines);
        Assert.Empty(_cli.Out);
    }
}
