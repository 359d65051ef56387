namespace VtdEmu.Cli.Tests.Commands;

public sealed class PlatformCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Platform_HandBuiltTable_ListsUnitsAndScopes()
    {
        string path = Path.Combine(_cli.Scratch, "dmar.bin");
        File.WriteAllBytes(path, Table());

        Assert.Equal(ExitCode.Success, _cli.Run("platform", path));

        Assert.Contains("HAW 46", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("unit 0: DRHD at 0x30, registers 0xfed90000", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("scope endpoint 00:02.0", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Platform_MalformedTable_ReportsTheOffset()
    {
        byte[] bytes = Table();
        bytes[9] ^= 0xFF; // checksum
        string path = Path.Combine(_cli.Scratch, "bad.bin");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(ExitCode.BadInput, _cli.Run("platform", path));

        Assert.Contains("offset 0x9: checksum", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Platform_MissingFile_ExitsBadInput() =>
        Assert.Equal(ExitCode.BadInput, _cli.Run("platform", Path.Combine(_cli.Scratch, "none.bin")));

    // Header (48 bytes, HAW 46, INTR_REMAP) and one DRHD at 0xfed90000 with endpoint 00:02.0.
    private static byte[] Table()
    {
        byte[] table = new byte[48 + 24];
        "DMAR"u8.CopyTo(table);
        table[4] = (byte)table.Length;
        table[8] = 1;
        table[36] = 45;
        table[37] = 1;
        byte[] drhd = [0, 0, 24, 0, 0, 0, 0, 0, 0x00, 0x00, 0xD9, 0xFE, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 2, 0];
        drhd.CopyTo(table, 48);
        byte sum = 0;
        foreach (byte b in table)
        {
            sum = unchecked((byte)(sum + b));
        }

        table[9] = unchecked((byte)(0 - sum));
        return table;
    }
}
