using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class RegsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("qemu", "VER", "0x000", "32", "00000010")]
    [InlineData("qemu", "CAP", "0x008", "64", "00d2008c22260206")]
    [InlineData("qemu", "FECTL", "0x038", "32", "80000000")]
    [InlineData("qemu", "IOTLB", "0x0f8", "64", "0000000000000000")]
    [InlineData("qemu", "FRCD0_HI", "0x228", "64", "0000000000000000")]
    [InlineData("broadwell", "FRCD7_LO", "0x170", "64", "0000000000000000")]
    [InlineData("sapphire-rapids", "VER", "0x000", "32", "00000060")]
    [InlineData("sapphire-rapids", "IVA", "0x500", "64", "0000000000000000")]
    public void Regs_Preset_ListsEveryRegisterAtItsOffset(string preset, string name, string offset, string width, string value)
    {
        Assert.Equal(ExitCode.Success, _cli.Run("regs", "--preset", preset));

        Assert.Matches(new Regex($@"│ {name}\s+│\s+{offset} │\s+{width} │\s+{value} │"), _cli.Out);
    }

    [Fact]
    public void Regs_DecodesCapAndEcapFieldByField()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("regs"));

        Assert.Contains("CAP 0x00d2008c22260206", _cli.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"│ SAGAW\s+│\s+12:8 │\s+0x2 │ 39-bit 3-level"), _cli.Out);
        Assert.Matches(new Regex(@"│ IRO\s+│\s+17:8 │\s+0xf │ IVA_REG at offset 0xf0"), _cli.Out);
    }

    [Fact]
    public void Regs_UnknownPreset_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("regs", "--preset", "nope"));
        Assert.Empty(_cli.Out);
    }
}
