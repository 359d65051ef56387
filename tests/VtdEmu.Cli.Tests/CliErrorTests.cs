using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli.Tests;

public sealed partial class CliErrorTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>vtdemu: error: WHAT. WHAT TO DO — a message, then at least one sentence that says what to do.</summary>
    [GeneratedRegex(@"^vtdemu: error: \S.*\. [A-Z'].*[.?]$")]
    private static partial Regex ErrorLine();

    [Fact]
    public void Format_AppendsTheFixToTheFirstLineAndKeepsTheExcerptUnderIt()
    {
        var located = new ScenarioError(new SourceLocation("a.iommu", 2, 8), "attach: 'd' is not defined") { SourceLine = "attach d gpu" };

        Assert.Equal(
            "vtdemu: error: a.iommu:2:8: attach: 'd' is not defined. Define it.\n    attach d gpu\n           ^",
            CliError.Format(located.ToString(), "Define it."));
    }

    [Fact]
    public void Format_DoesNotDoubleTheFullStop()
    {
        Assert.Equal("vtdemu: error: x: cannot read. Check the path.", CliError.Format("x: cannot read.", "Check the path."));
    }

    // One row per error path of each command's own: the last line on stderr is the error, with the prefix and a fix.
    [Theory]
    [InlineData("replay", "{missing}")]
    [InlineData("replay", "{trace}", "--no-default-setup")]
    [InlineData("replay", "{trace}", "--iotlb-ways", "0")]
    [InlineData("replay", "{trace}", "--iotlb-entries", "2097152")]
    [InlineData("replay", "{bad-trace}")]
    [InlineData("replay", "{trace}", "--setup", "{bad-scenario}")]
    [InlineData("replay", "{trace}", "--setup", "{failing-scenario}")]
    [InlineData("replay", "{trace}", "--setup", "{other-device-scenario}")]
    [InlineData("sweep", "--shard", "3/2")]
    [InlineData("sweep", "--trace", "{missing}")]
    [InlineData("sweep", "--windows", "4K,0")]
    [InlineData("sweep", "--plot", "out.gif")]
    [InlineData("sweep", "--dmas", "0")]
    [InlineData("sweep", "--iotlb-entries", "3", "--iotlb-ways", "2", "--windows", "4K,8K", "--dmas", "16")]
    [InlineData("sweep", "--trace", "{far-trace}")]
    [InlineData("sweep", "merge", "{missing}")]
    [InlineData("sweep", "merge", "{trace}")]
    [InlineData("trace-gen", "--device", "0:3")]
    [InlineData("trace-gen", "--length", "0")]
    [InlineData("trace-gen", "--format", "binary")]
    [InlineData("trace-gen", "--count", "-1")]
    [InlineData("trace", "convert", "{missing}", "{out}")]
    [InlineData("trace", "convert", "{trace}", "{trace}")]
    [InlineData("trace", "convert", "{bad-trace}", "{out}")]
    [InlineData("plot", "{missing}", "--x", "a", "--y", "b", "-o", "out.svg")]
    [InlineData("plot", "{csv}", "--x", "window", "--y", "b", "-o", "out.svg")]
    [InlineData("run", "{missing}")]
    [InlineData("run", "{bad-scenario}")]
    [InlineData("dump", "{missing}")]
    [InlineData("compare", "{missing}")]
    [InlineData("compare", "{failing-scenario}")]
    [InlineData("regs", "--preset", "skylake")]
    [InlineData("decode", "context", "1")]
    [InlineData("decode", "pasid-entry", "1", "2", "3", "4", "5", "6", "7", "8", "9")]
    [InlineData("decode", "cap", "zz")]
    [InlineData("platform", "{missing}")]
    [InlineData("platform", "{csv}")]
    [InlineData("replay-mmio", "{missing}")]
    [InlineData("replay-mmio", "{scratch}", "--haw", "99")]
    [InlineData("x86", "zz")]
    [InlineData("x86", "00", "--reg", "xmm0=1")]
    [InlineData("x86", "--file", "{missing}")]
    [InlineData("demo", "--preset", "skylake")]
    [InlineData("replay")]
    [InlineData("frobnicate")]
    public void EveryCommandsError_HasThePrefixAndSaysWhatToDo(params string[] template)
    {
        string[] args = [.. template.Select(Fill)];

        int exit = _cli.Run(args);

        Assert.True(exit is ExitCode.BadInput or ExitCode.Failed, $"exit {exit}: {_cli.Error}");
        string last = _cli.ErrorLines[^1];
        Assert.Matches(ErrorLine(), last);
        Assert.All(_cli.ErrorLines.Where(l => l.StartsWith("vtdemu:", StringComparison.Ordinal)), l => Assert.StartsWith("vtdemu: error: ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void InternalError_HasThePrefixAndAsksForAReport()
    {
        _cli.Platform = new ThrowingPlatform();

        Assert.Equal(ExitCode.InternalError, _cli.Run("replay", Fill("{trace}")));

        Assert.Equal("vtdemu: error: internal error: InvalidOperationException: boom. This is a bug in vtdemu: please report it with the command line and input files that caused it.", Assert.Single(_cli.ErrorLines));
    }

    private string Fill(string arg) => arg switch
    {
        "{missing}" => Path.Combine(_cli.Scratch, "missing.file"),
        "{scratch}" => _cli.Scratch,
        "{out}" => Path.Combine(_cli.Scratch, "out.trace"),
        "{trace}" => _cli.Write("t.trace", "00:03.0 0x1000 64 R\n"),
        "{far-trace}" => _cli.Write("far.trace", "00:03.0 0xFFFFFFFFFFFF0000 64 R\n"),
        "{bad-trace}" => _cli.Write("bad.trace", "00:03.0 0x1000 64 R\n00:03.0 0x1000 64 X\n"),
        "{csv}" => _cli.Write("s.csv", "window_bytes,gbit_per_s\n4096,1\n"),
        "{bad-scenario}" => _cli.Write("bad.scenario", "mmio-read32\n"),
        "{failing-scenario}" => _cli.Write("fail.scenario", "device 00:03.0\nmmio-read32 0x1c == 0x1\n"),
        "{other-device-scenario}" => _cli.Write("other.scenario", "device 00:04.0\n"),
        _ => arg,
    };

    private sealed class ThrowingPlatform : IScenarioTargetFactory
    {
        public bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error) =>
            throw new InvalidOperationException("boom");
    }
}
