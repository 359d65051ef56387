namespace VtdEmu.Cli.Tests.Commands;

public sealed class X86CommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void X86_GcmdWriteThenGstsRead_TracesBothWithRegisterNames()
    {
        // mov [rdi+0x18], eax ; mov ecx, [rdi+0x1c] — SRTP, then GSTS shows RTPS.
        int exit = _cli.Run("x86", "89 47 18", "8b4f1c", "--reg", "rax=0x40000000");

        Assert.Equal(ExitCode.Success, exit);
        Assert.Equal(
            ["0000000000001000  mov [rdi+18h], eax  ; W GCMD (0x018) 4 0x40000000", "0000000000001003  mov ecx, [rdi+1Ch]  ; R GSTS (0x01C) 4 0x40000000"],
            _cli.OutLines);
        Assert.Contains("RCX=0x40000000", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void X86_FromFile_CommentsIgnored()
    {
        string path = _cli.Write("code.hex", "# read CAP\n48 8b 47 08   # mov rax, [rdi+8]\n");

        Assert.Equal(ExitCode.Success, _cli.Run("x86", "--file", path));
        Assert.Single(_cli.OutLines);
        Assert.EndsWith("R CAP (0x008) 8 0x00D2008C22260206", _cli.OutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void X86_RefusedInstruction_ExitsFailedWithTheReason()
    {
        Assert.Equal(ExitCode.Failed, _cli.Run("x86", "90"));
        Assert.Contains("refused: NotMemoryAccess", _cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x86", "zz")]
    [InlineData("x86", "89 4")]
    [InlineData("x86", "90", "--reg", "rzz=1")]
    [InlineData("x86", "--file", "/nonexistent/code.hex")]
    public void X86_BadInput_ExitsBadInput(params string[] args)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run(args));
        Assert.NotEmpty(_cli.Error);
    }
}
