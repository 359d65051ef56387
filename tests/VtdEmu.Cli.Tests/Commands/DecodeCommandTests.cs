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

    [Fact]
    public void Decode_Context_PairOfWordsFieldByField()
    {
        // P, SLPTPTR 0x12000, TT 00; AW 001b, DID 0x42.
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "context", "0x12001", "0x4201"));

        Assert.Contains("context entry 0x0000000000004201_0000000000012001", _cli.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"│ SLPTPTR\s+│\s+63:12 │\s+0x12 │ second-level table at 0x12000"), _cli.Out);
        Assert.Matches(new Regex(@"│ AW\s+│\s+66:64 │\s+0x1 │ 39-bit, 3-level"), _cli.Out);
        Assert.Matches(new Regex(@"│ DID\s+│\s+87:72 │\s+0x42 │ domain 66"), _cli.Out);
        Assert.DoesNotContain("reserved", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Context_ReservedBitsAreListed()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "context", "0x12011", "0x181"));

        Assert.Contains("reserved bits set: 4", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("reserved bits set: 7", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ContextOddCount_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("decode", "context", "0x1"));
        Assert.Contains("pairs", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Slpte_LargeReadOnlyLeaf()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "slpte", "0x600081"));

        Assert.Matches(new Regex(@"│ R\s+│\s+0 │\s+1 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ W\s+│\s+1 │\s+0 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ PS\s+│\s+7 │\s+1 │ page size: leaf"), _cli.Out);
        Assert.Matches(new Regex(@"│ ADDR\s+│\s+51:12 │\s+0x600 │ next table or page at 0x600000"), _cli.Out);
    }

    [Fact]
    public void Decode_Flpte_DriverLeafForAWritablePage()
    {
        // What the Intel driver writes for a writable 4 KiB first-level leaf: P | R/W | U/S | A | D | XD.
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "flpte", "0x8000000000123067"));

        Assert.Matches(new Regex(@"│ P\s+│\s+0 │\s+1 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ U/S\s+│\s+2 │\s+1 │ user-mode requests allowed"), _cli.Out);
        Assert.Matches(new Regex(@"│ D\s+│\s+6 │\s+1 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ PS\s+│\s+7 │\s+0 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ ADDR\s+│\s+51:12 │\s+0x123 │ next table or page at 0x123000"), _cli.Out);
        Assert.Matches(new Regex(@"│ XD\s+│\s+63 │\s+1 │"), _cli.Out);
    }

    [Fact]
    public void Decode_PasidEntry_NestedEntryWithSlade()
    {
        // P, AW 3, PGTT 011, SLADE, SLPTPTR 0x123000 | DID 42 | SRE, FLPTPTR 0x456000.
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "pasid-entry", "0x1232CD", "0x2A", "0x456001"));

        Assert.Matches(new Regex(@"│ PGTT\s+│\s+8:6 │\s+0x3 │ nested translation"), _cli.Out);
        Assert.Matches(new Regex(@"│ SLADE\s+│\s+9 │\s+1 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ SLPTPTR\s+│\s+63:12 │\s+0x123 │ second-level table at 0x123000"), _cli.Out);
        Assert.Matches(new Regex(@"│ DID\s+│\s+79:64 │\s+0x2a │ domain 42"), _cli.Out);
        Assert.Matches(new Regex(@"│ SRE\s+│\s+128 │\s+1 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ FLPTPTR\s+│\s+191:140 │\s+0x456 │ first-level table at 0x456000"), _cli.Out);
        Assert.DoesNotContain("reserved (", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PasidEntry_ReservedBitsNamedWithTheirWord()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "pasid-entry", "0x401", "0", "0", "1"));

        Assert.Matches(new Regex(@"│ reserved \(63:0\)\s+│\s+63:0 │\s+0x400 │ reserved bits set \(of word 0\): 10"), _cli.Out);
        Assert.Matches(new Regex(@"│ reserved \(255:192\)\s+│\s+255:192 │\s+0x1 │"), _cli.Out);
    }

    [Fact]
    public void Decode_PasidEntryWithNineWords_BadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("decode", "pasid-entry", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        Assert.Contains("8 words", _cli.Error, StringComparison.Ordinal);
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
