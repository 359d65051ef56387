using System.Xml.Linq;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class PlotCommandTests : IDisposable
{
    private const string Sweep =
        "window_bytes,gbit_per_s,source\n" +
        "4096,27.9,\"IOMMU 4K, measured\"\n" +
        "1048576,14.1,\"IOMMU 4K, measured\"\n" +
        "4096,27.9,no IOMMU\n" +
        "1048576,27.9,no IOMMU\n";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Plot_WritesAnSvgWithOneLegendEntryPerSeries()
    {
        string csv = _cli.Write("sweep.csv", Sweep);
        string svg = Path.Combine(_cli.Scratch, "out.svg");

        Assert.Equal(ExitCode.Success, _cli.Run("plot", csv, "--x", "window_bytes", "--y", "gbit_per_s", "--series", "source", "--log-x", "-o", svg));

        XDocument document = XDocument.Load(svg);
        Assert.Equal("svg", document.Root!.Name.LocalName);
        string text = string.Concat(document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim() + "|"));
        Assert.Contains("IOMMU 4K, measured|", text, StringComparison.Ordinal);
        Assert.Contains("no IOMMU|", text, StringComparison.Ordinal);
        Assert.Contains("4K|", text, StringComparison.Ordinal);   // power-of-two byte ticks on the log axis
        Assert.Contains("1M|", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_WritesAPng()
    {
        string csv = _cli.Write("sweep.csv", Sweep);
        string png = Path.Combine(_cli.Scratch, "out.png");

        Assert.Equal(ExitCode.Success, _cli.Run("plot", csv, "--x", "window_bytes", "--y", "gbit_per_s", "-o", png));

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Theory]
    [InlineData("--x", "window", "--x: no column 'window' in")]
    [InlineData("--y", "gbps", "--y: no column 'gbps' in")]
    [InlineData("--series", "preset", "--series: no column 'preset' in")]
    public void Plot_UnknownColumn_IsOneLineBadInputNamingTheColumns(string option, string column, string expected)
    {
        string csv = _cli.Write("sweep.csv", Sweep);
        string[] args = ["plot", csv, "--x", "window_bytes", "--y", "gbit_per_s", "-o", Path.Combine(_cli.Scratch, "out.svg")];
        int at = Array.IndexOf(args, option);
        args = at >= 0 ? [.. args[..(at + 1)], column, .. args[(at + 2)..]] : [.. args, option, column];

        Assert.Equal(ExitCode.BadInput, _cli.Run(args));

        string error = Assert.Single(_cli.ErrorLines);
        Assert.StartsWith("vtdemu: error: plot: " + expected, error, StringComparison.Ordinal);
        Assert.Contains("(columns: window_bytes, gbit_per_s, source)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cli.Scratch, "out.svg")));
    }

    [Theory]
    [InlineData("window_bytes,gbit_per_s\n4096,fast\n", "sweep.csv:2: column 'gbit_per_s' holds 'fast', not a number")]
    [InlineData("window_bytes,gbit_per_s\n4096,1\n8192\n", "sweep.csv:3: 1 cell, the header has 2")]
    [InlineData("window_bytes,gbit_per_s\n0,1\n", "sweep.csv:2: --log-x: column 'window_bytes' holds 0, not a positive number")]
    [InlineData("window_bytes,gbit_per_s\n\"4096,1\n", "sweep.csv:2: unterminated quoted cell")]
    [InlineData("", "sweep.csv: empty file (expected a header line of column names)")]
    [InlineData("window_bytes,gbit_per_s\n4096,\n", "sweep.csv: no row has numbers in both 'window_bytes' and 'gbit_per_s'")]
    public void Plot_BadCsv_NamesTheLine(string text, string expected)
    {
        string csv = _cli.Write("sweep.csv", text);

        Assert.Equal(ExitCode.BadInput, _cli.Run("plot", csv, "--x", "window_bytes", "--y", "gbit_per_s", "--log-x", "-o", Path.Combine(_cli.Scratch, "out.svg")));

        string error = Assert.Single(_cli.ErrorLines);
        Assert.EndsWith($"{expected}. Run 'vtdemu plot --help' for usage.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_MissingFile_IsOneLineBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("plot", Path.Combine(_cli.Scratch, "none.csv"), "--x", "a", "--y", "b", "-o", "out.svg"));

        Assert.EndsWith("none.csv: no such file. Check the path.", Assert.Single(_cli.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_UnknownPictureFormat_IsOneLineBadInput()
    {
        string csv = _cli.Write("sweep.csv", Sweep);

        Assert.Equal(ExitCode.BadInput, _cli.Run("plot", csv, "--x", "window_bytes", "--y", "gbit_per_s", "-o", "out.pdf"));

        Assert.Equal("vtdemu: error: plot: out.pdf: expected a file name ending in .svg or .png. Run 'vtdemu plot --help' for usage.", Assert.Single(_cli.ErrorLines));
    }
}
