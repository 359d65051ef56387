using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class DecodeCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("SAGAW", "12:8", "0x2", "39-bit 3-level")]
    [InlineData("MGAW", "21:16", "0x26", "39-bit maximum guest address width")]
    [InlineData("FRO", "33:24", "0x22", "fault recording registers at offset 0x220")]
    [InlineData("NFR", "47:40", "0x0", "1 fault recording register")]
    [InlineData("PSI", "39", "1", "page-selective invalidation")]
    public void Decode_QemuCap_PrintsOneTableRowPerField(string field, string bits, string value, string meaning)
    {
        int exit = _cli.Run("decode", "cap", "0x00d2008c22260206");

        Assert.Equal(ExitCode.Success, exit);
        Assert.Contains("CAP 0x00d2008c22260206", _cli.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"│ {field}\s+│\s+{Regex.Escape(bits)} │\s+{value} │ {Regex.Escape(meaning)}\s+│"), _cli.Out);
        Assert.Empty(_cli.Error);
    }

    [Fact]
    public void Decode_QemuEcap_DecimalValueAccepted()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "ecap", "15732554"));
        Assert.Matches(new Regex(@"│ IRO\s+│\s+17:8 │\s+0xf │ IVA_REG at offset 0xf0, IOTLB_REG at 0xf8"), _cli.Out);
    }

    [Fact]
    public void Decode_SeveralValues_PrintsOneTableEach()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "cap", "0", "0x1"));
        Assert.Contains("CAP 0x0000000000000000", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("CAP 0x0000000000000001", _cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decode", "cap", "zz")]
    [InlineData("decode", "gcmd", "0")]
    [InlineData("decode", "cap")]
    public void Decode_BadArguments_ExitBadInputWithAMessage(params string[] args)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run(args));
        Assert.Empty(_cli.Out);
        Assert.StartsWith("vtdemu: ", _cli.Error, StringComparison.Ordinal);
    }
}
