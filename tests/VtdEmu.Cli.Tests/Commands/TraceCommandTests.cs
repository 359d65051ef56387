namespace VtdEmu.Cli.Tests.Commands;

public sealed class TraceCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Convert_TextToBinaryAndBack_SameLinesWithoutTheComment()
    {
        string text = _cli.Write("a.trace", "# c\n00:03.0 0x1000 64 R\n1a:1f.7 0xffffffffffffffff 0 W\n");
        string binary = Path.Combine(_cli.Scratch, "a.vtdt.zst");
        string back = Path.Combine(_cli.Scratch, "b.trace");

        Assert.Equal(ExitCode.Success, _cli.Run("trace", "convert", text, binary));
        Assert.Equal(ExitCode.Success, _cli.Run("trace", "convert", binary, back));

        Assert.Equal("00:03.0 0x1000 64 R\n1a:1f.7 0xffffffffffffffff 0 W\n", File.ReadAllText(back));
        Assert.Equal(
            [$"trace convert: 2 accesses, {text} (text, none) -> {binary} (binary, zstd)", $"trace convert: 2 accesses, {binary} (binary, zstd) -> {back} (text, none)"],
            _cli.OutLines);
    }

    [Fact]
    public void Convert_FlagsOverrideTheName()
    {
        string text = _cli.Write("a.trace", "00:03.0 0x1000 64 R\n");
        string output = Path.Combine(_cli.Scratch, "out.bin");

        Assert.Equal(ExitCode.Success, _cli.Run("trace", "convert", text, output, "--format", "binary", "--compress", "gzip"));

        Assert.Equal(new byte[] { 0x1F, 0x8B }, File.ReadAllBytes(output)[..2]);
        Assert.EndsWith("(binary, gzip)", _cli.OutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_BadInput_NoOutputFileIsLeft()
    {
        string text = _cli.Write("a.trace", "00:03.0 0x1000 64 R\n00:03.0 0x1000 64 X\n");
        string output = Path.Combine(_cli.Scratch, "a.vtdt");

        Assert.Equal(ExitCode.BadInput, _cli.Run("trace", "convert", text, output));

        Assert.Equal(
            [$"vtdemu: error: {text}:2: expected R or W as the direction, found 'X'. {output} was not written. Fix the trace at that point, or record or generate it again."],
            _cli.ErrorLines);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Convert_SameFile_Refused()
    {
        string text = _cli.Write("a.trace", "00:03.0 0x1000 64 R\n");

        Assert.Equal(ExitCode.BadInput, _cli.Run("trace", "convert", text, text));
        Assert.Equal("00:03.0 0x1000 64 R\n", File.ReadAllText(text));
    }
}
