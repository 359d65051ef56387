using System.Xml.Linq;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class SweepCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("3/2")]
    [InlineData("0/4")]
    [InlineData("2")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    public void Sweep_BadShardSpec_IsOneLineBadInput(string spec)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("sweep", "--windows", "4K", "--dmas", "16", "--shard", spec));

        Assert.Equal($"vtdemu: error: sweep: --shard: expected I/N with 1 <= I <= N (e.g. 2/8), found '{spec}'. Run 'vtdemu sweep --help' for usage.", Assert.Single(_cli.ErrorLines));
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Sweep_ShardBeyondTheGrid_IsOneLineBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("sweep", "--windows", "4K,8K", "--dmas", "16", "--shard", "3/3"));

        Assert.Equal("vtdemu: error: sweep: --shard 3/3: the grid has 2 points, so this shard is empty (use at most 2 shards). Run 'vtdemu sweep --help' for usage.", Assert.Single(_cli.ErrorLines));
    }

    [Theory]
    [InlineData("--windows", "", "sweep: --windows: expected a size in bytes such as 4K, 1536K, 64M, found ''")]
    [InlineData("--page-size", "4K,,2M", "--page-size: expected 4K|2M|1G, found ''")]
    [InlineData("--preset", ",", "--preset: expected qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids, found ''")]
    public void Sweep_EmptyAxis_IsOneLineBadInput(string option, string value, string expected)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("sweep", "--dmas", "16", option, value));

        Assert.Equal($"vtdemu: error: {expected}. Run 'vtdemu sweep --help' for usage.", Assert.Single(_cli.ErrorLines));
    }

    [Fact]
    public void Sweep_TraceThatDoesNotExist_IsOneLineBadInput()
    {
        string missing = Path.Combine(_cli.Scratch, "missing.trace");

        Assert.Equal(ExitCode.BadInput, _cli.Run("sweep", "--trace", missing));

        Assert.Equal($"vtdemu: error: sweep: --trace: {missing}: no such file. Check the path.", Assert.Single(_cli.ErrorLines));
    }

    [Fact]
    public void Sweep_Plot_DrawsOneLinePerVaryingAxis()
    {
        string svg = Path.Combine(_cli.Scratch, "sweep.svg");

        Assert.Equal(ExitCode.Success, _cli.Run("sweep", "--windows", "4K,1M,4M", "--page-size", "4K,2M", "--dmas", "2048", "--plot", svg));

        Assert.Equal(7, _cli.OutLines.Length);   // header + 6 points
        string text = string.Concat(XDocument.Load(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim() + "|"));
        Assert.Contains("page_size=4K|", text, StringComparison.Ordinal);
        Assert.Contains("page_size=2M|", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_PlotToAnUnknownFormat_IsRefusedBeforeRunning()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("sweep", "--windows", "4K", "--dmas", "16", "--plot", "out.gif"));

        Assert.Equal("vtdemu: error: sweep: --plot: expected a file name ending in .svg or .png, found 'out.gif'. Run 'vtdemu sweep --help' for usage.", Assert.Single(_cli.ErrorLines));
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Sweep_Jsonl_HasNoHeaderOrBlankLine()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("sweep", "--windows", "4K,8K", "--dmas", "64", "--format", "jsonl"));

        string[] lines = _cli.Out.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"point\":0,", lines[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[2]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Sweep_ShardsMergedThroughTheCommandLine_EqualOneUnshardedRun(int shards)
    {
        string[] grid = ["sweep", "--windows", "4K,64K,1M", "--page-size", "4K,2M", "--iotlb-entries", "16,64", "--dmas", "1024"];
        Assert.Equal(ExitCode.Success, _cli.Run(grid));
        string whole = _cli.Out;

        var files = new List<string>();
        for (int shard = 1; shard <= shards; shard++)
        {
            using var part = new CliHarness();
            Assert.Equal(ExitCode.Success, part.Run([.. grid, "--shard", $"{shard}/{shards}"]));
            files.Add(_cli.Write($"shard-{shard}.csv", part.Out));
        }

        using var merge = new CliHarness();
        Assert.Equal(ExitCode.Success, merge.Run(["sweep", "merge", .. files]));
        Assert.Equal(whole, merge.Out);
        Assert.Equal(13, whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // header + 12 points
    }
}
