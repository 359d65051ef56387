using VtdEmu.Caches;
using VtdEmu.Cli.Options;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Tests.Options;

public sealed class ChoicesTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void FromEnum_NamesAreLowerCaseKebab()
    {
        Assert.Equal("sequential|strided|random", CliChoices.FromEnum<TracePattern>().Names);
        Assert.Equal("four-k|two-m", CliChoices.FromEnum<Sample>().Names);
    }

    [Theory]
    [InlineData("2M", PageSize.Size2M)]
    [InlineData("2m", PageSize.Size2M)]
    [InlineData("1g", PageSize.Size1G)]
    public void TryParse_MatchesNamesIgnoringCase(string text, PageSize expected)
    {
        Assert.True(CliChoices.PageSizes.TryParse(text, out Choice<PageSize> choice));
        Assert.Equal(expected, choice.Value);
        Assert.Equal(text.ToUpperInvariant(), choice.Name);
    }

    [Theory]
    [InlineData("8K", "expected 4K|2M|1G, found '8K' (did you mean '4K'?)")]
    [InlineData("Size4K", "expected 4K|2M|1G, found 'Size4K'")]
    [InlineData("", "expected 4K|2M|1G, found ''")]
    public void Expected_ListsEveryNameAndTheNearestOne(string found, string expected)
    {
        Assert.Equal(expected, CliChoices.PageSizes.Expected(found));
    }

    // Every enum-valued option of every command: a wrong value is one error line listing the names as the user types them.
    [Theory]
    [InlineData("lru|plru|random|flush", "replay", "t.trace", "--iotlb-policy", "TreePlru")]
    [InlineData("4K|2M|1G", "replay", "t.trace", "--page-size", "Size4K")]
    [InlineData("qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids", "replay", "t.trace", "--preset", "Broadwell-EP")]
    [InlineData("text|json", "replay", "t.trace", "--format", "xml")]
    [InlineData("qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids", "sweep", "--preset", "broadwell,skylake")]
    [InlineData("on|off", "sweep", "--translation", "yes")]
    [InlineData("lru|plru|random|flush", "sweep", "--iotlb-policy", "lru,FlushWhenFull")]
    [InlineData("4K|2M|1G", "sweep", "--page-size", "4K,512M")]
    [InlineData("random|sequential|strided|zipf|trace", "sweep", "--pattern", "Zipfian")]
    [InlineData("read|write", "sweep", "--direction", "rw")]
    [InlineData("csv|jsonl", "sweep", "--format", "json")]
    [InlineData("sequential|strided|random", "trace-gen", "--pattern", "Uniform")]
    [InlineData("text|binary", "trace-gen", "--format", "vtdt")]
    [InlineData("none|gzip|zstd", "trace-gen", "--compress", "xz")]
    [InlineData("text|binary", "trace", "convert", "a", "b", "--format", "bin")]
    [InlineData("none|gzip|zstd", "trace", "convert", "a", "b", "--compress", "bzip2")]
    [InlineData("qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids", "regs", "--preset", "QemuScalable")]
    [InlineData("text|json", "regs", "--format", "yaml")]
    [InlineData("qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids", "demo", "--preset", "skylake")]
    [InlineData("qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids", "x86", "00", "--preset", "skylake")]
    [InlineData("mainline|attach-count|driver-flag", "run", "a.iommu", "--policy", "AttachCount")]
    [InlineData("text|json", "run", "a.iommu", "--format", "csv")]
    [InlineData("text|json", "decode", "cap", "0", "--format", "csv")]
    [InlineData("cap|ecap|context|pasid-entry|slpte|flpte", "decode", "gcmd", "0")]
    public void InvalidEnumValue_ListsTheValidNames(string names, params string[] args)
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run(args));

        string error = Assert.Single(_cli.ErrorLines);
        Assert.StartsWith("vtdemu: error: ", error, StringComparison.Ordinal);
        Assert.Contains($": expected {names}, found '", error, StringComparison.Ordinal);
        Assert.EndsWith("--help' for usage.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("VtdEmu.", error, StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void ListOption_TakesCommaSeparatedNamesInAnyCase()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("sweep", "--windows", "4K", "--dmas", "16", "--page-size", "4k,2M", "--direction", "READ,write", "--preset", "Broadwell"));

        string[] rows = _cli.OutLines;
        Assert.Equal(5, rows.Length);   // header + 2 page sizes x 2 directions
        Assert.All(rows[1..], r => Assert.Contains(",broadwell,", r, StringComparison.Ordinal));
    }

    private enum Sample
    {
        FourK,
        TwoM,
    }
}
