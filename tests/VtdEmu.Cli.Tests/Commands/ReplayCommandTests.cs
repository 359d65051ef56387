using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli.Tests.Commands;

public sealed partial class ReplayCommandTests : IDisposable
{
    private const string Trace = "# two devices\n00:03.0 0x1000 64 R\n00:03.0 0x1fc0 128 W\n00:04.0 0x20000 8 R\n";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private string WriteGzip(string name, string text)
    {
        string path = Path.Combine(_cli.Scratch, name);
        using FileStream file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }

    private void AssertSummary()
    {
        Assert.Matches(new Regex(@"│ accesses\s+│\s+3 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ reads\s+│\s+2 \(72 bytes\) │"), _cli.Out);
        Assert.Matches(new Regex(@"│ writes\s+│\s+1 \(128 bytes\) │"), _cli.Out);
        Assert.Matches(new Regex(@"│ devices\s+│\s+00:03\.0 00:04\.0 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ distinct 4-KiB pages\s+│\s+3 │"), _cli.Out);
    }

    [Theory]
    [InlineData("4K", 3)]
    [InlineData("2M", 1)]
    public void Replay_NoSetup_MapsEveryTouchedPageAndTranslatesEveryDma(string pageSize, int walks)
    {
        // Issue 12 item 2: without --setup the trace's pages are mapped (PA = IOVA, one domain for both devices)
        // and translation is on, said in one line. Four translations: the write crosses from page 1 into page 2.
        // 4K: pages 1, 2 and 0x20 each walk once; 2M: one 2-MiB leaf covers them all, and the second device
        // (same domain) hits it.
        string path = _cli.Write("t.trace", Trace);

        Assert.Equal(ExitCode.Success, _cli.Run("replay", path, "--page-size", pageSize));
        AssertSummary();
        Assert.Matches(new Regex(@"│ ok\s+│\s+3 │"), _cli.Out);
        AssertCounter("translations", 4);
        AssertCounter("walks", walks);
        AssertCounter("faults", 0);
        Assert.Contains($"no --setup: 3 touched 4-KiB pages mapped with {pageSize} pages at PA = IOVA for 2 devices", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_NoDefaultSetupWithoutSetup_RefusedBeforeReading()
    {
        string path = _cli.Write("t.trace", Trace);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path, "--no-default-setup"));
        Assert.Contains("nothing would map the trace", _cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.Out);
    }

    [Fact]
    public void Replay_SetupEnablingTranslation_EveryDmaFaultsWithTheRootEntryMissing()
    {
        string trace = _cli.Write("t.trace", Trace);
        string setup = _cli.Write(
            "setup.scenario",
            "device 00:03.0\ndevice 00:04.0\nmem-fill 0x10000 0x1000 0\nmmio-write64 0x20 0x10000\nmmio-write32 0x18 0x40000000\nmmio-write32 0x18 0x80000000\n");

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup));
        Assert.Matches(new Regex(@"│ fault 01 \(RootEntryNotPresent\)\s+│\s+3 │"), _cli.Out);
        Assert.DoesNotMatch(new Regex(@"│ ok\s"), _cli.Out);
    }

    [Fact]
    public void Replay_GeneratedTraceOverAReadOnlyPage_CountsOkAndWriteFaults()
    {
        // 128 sequential 64-byte writes cover IOVA 0x1000-0x2fff: the vector maps 0x1000 RW and 0x2000 read-only.
        string trace = Path.Combine(_cli.Scratch, "w.trace");
        string setup = Path.Combine(CliHarness.VectorsDirectory, "translation", "legacy-39bit-4k.scenario");
        Assert.Equal(ExitCode.Success, _cli.Run("trace-gen", "--pattern", "sequential", "--count", "128", "--device", "00:03.0", "--base", "0x1000", "--length", "64", "--pages", "2", "--write-ratio", "1", "-o", trace));

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup));

        Assert.Matches(new Regex(@"│ ok\s+│\s+64 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ fault 05 \(WriteDenied\)\s+│\s+64 │"), _cli.Out);
    }

    // qemu preset, legacy mode, 00:03.0 in DID 1: IOVA 0x10_0000 + i × 4 KiB -> 0x20_0000 + i × 4 KiB
    // for i < pages, all through one last-level table (SL-PT 0x14000: entry 0x100 + i).
    private string WriteSweepSetup(int pages)
    {
        var text = new StringBuilder("""
            preset qemu
            ram 0 0x400000
            device 00:03.0
            mem-write64 0x10000 0x11001
            mem-write64 0x11180 0x12001
            mem-write64 0x11188 0x0101
            mem-write64 0x12000 0x13003
            mem-write64 0x13000 0x14003

            """);
        for (int i = 0; i < pages; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"mem-write64 0x{0x14800 + (8 * i):x} 0x{0x20_0000 + (0x1000 * i) + 3:x}\n");
        }

        text.Append("mmio-write64 0x20 0x10000\nmmio-write32 0x18 0x40000000\nmmio-write32 0x18 0x80000000\n");
        return _cli.Write("sweep.scenario", text.ToString());
    }

    // A cyclic sequential sweep: `rounds` passes over `pages` pages from IOVA 0x10_0000, one page-sized
    // (so one-translation) access per page.
    private string WriteSweepTrace(int pages, int rounds)
    {
        string trace = Path.Combine(_cli.Scratch, "sweep.trace");
        Assert.Equal(ExitCode.Success, _cli.Run(
            "trace-gen", "--pattern", "sequential", "--count", $"{pages * rounds}", "--device", "00:03.0",
            "--base", "0x100000", "--length", "4096", "--pages", $"{pages}", "--write-ratio", "0.5", "-o", trace));
        return trace;
    }

    private void AssertCounter(string name, long value) =>
        Assert.Matches(new Regex($@"│ {Regex.Escape(name)}\s+│\s+{value} │"), _cli.Out);

    [Fact]
    public void Replay_WorkingSetFitsTheIotlb_OnlyCompulsoryMisses()
    {
        const int Pages = 16, Rounds = 4;
        string setup = WriteSweepSetup(Pages);
        string trace = WriteSweepTrace(Pages, Rounds);

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup));

        // Default IOTLB (512 entries, 4-way): 16 consecutive pages fall in 16 different sets.
        AssertCounter("translations", Pages * Rounds);
        AssertCounter("iotlb misses", Pages);
        AssertCounter("iotlb hits", (Pages * Rounds) - Pages);
        AssertCounter("context-cache misses", 1);
        AssertCounter("context-cache hits", (Pages * Rounds) - 1);
        AssertCounter("walks", Pages);
        AssertCounter("faults", 0);

        // Root + context once; the first walk reads all 3 levels, the others find the PDE in the
        // paging-structure cache and read only their PTE.
        AssertCounter("table reads", 2 + 3 + (Pages - 1));
        Assert.Matches(new Regex(@"│ ok\s+│\s+64 │"), _cli.Out);
    }

    [Theory]
    [InlineData(12, 5)]
    [InlineData(16, 3)]
    public void Replay_SweepLargerThanADirectMappedIotlb_ConflictMissesFollowTheSetIndex(int pages, int rounds)
    {
        const int Sets = 8;
        string setup = WriteSweepSetup(pages);
        string trace = WriteSweepTrace(pages, rounds);

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup, "--iotlb-entries", $"{Sets}", "--iotlb-ways", "1"));

        // Page i (from page number 0x100, a multiple of 8) maps to set i mod 8. The first pass misses
        // every page; after it, the pages whose set is shared with another page of the sweep (the
        // first and last pages - Sets of them) were evicted by that page and miss again, the others hit.
        int shared = Math.Min(pages - Sets, Sets);
        int missesPerLaterPass = 2 * shared;
        long misses = pages + ((long)(rounds - 1) * missesPerLaterPass);
        AssertCounter("iotlb misses", misses);
        AssertCounter("iotlb hits", ((long)pages * rounds) - misses);
        AssertCounter("walks", misses);
        Assert.Contains("Translation (iotlb 8x1 lru)", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_AbortDmaMode_CountedAsAbortNotOk()
    {
        string trace = _cli.Write("t.trace", "00:03.0 0x1000 8 R\n00:03.0 0x2000 8 W\n");
        string setup = Path.Combine(CliHarness.VectorsDirectory, "translation", "abort-dma-mode.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup));

        Assert.Matches(new Regex(@"│ abort\s+│\s+2 │"), _cli.Out);
        Assert.DoesNotMatch(new Regex(@"│ ok\s"), _cli.Out);
    }

    [Fact]
    public void Replay_GzipTrace_IsRecognisedWhateverItsName()
    {
        string path = WriteGzip("t.trace", Trace);

        Assert.Equal(ExitCode.Success, _cli.Run("replay", path));
        AssertSummary();
    }

    [Fact]
    public void Replay_BadTraceLine_NamesFileAndLineAndExitsBadInput()
    {
        string path = _cli.Write("t.trace", "00:03.0 0x1000 64 R\n00:03.0 0x1000 64 X\n");

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path));
        Assert.Equal([$"vtdemu: error: {path}:2: expected R or W as the direction, found 'X'. Nothing was replayed. Fix the trace at that point, or record or generate it again."], _cli.ErrorLines);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Replay_WithPlatform_CountsOutcomesAndPassesIotlbGeometry()
    {
        var platform = new FakePlatform();
        _cli.Platform = platform;
        string path = _cli.Write("t.trace", Trace);

        int exit = _cli.Run("replay", path, "--iotlb-entries", "0x40", "--iotlb-ways", "4", "--iotlb-policy", "plru");

        Assert.Equal(ExitCode.Success, exit);
        Assert.Matches(new Regex(@"│ ok\s+│\s+2 │"), _cli.Out);
        Assert.Matches(new Regex(@"│ fault 04 \(AddressBeyondWidth\)\s+│\s+1 │"), _cli.Out);
        ScenarioSetup setup = Assert.Single(platform.Setups);
        Assert.Equal(new Caches.CacheGeometry(64, 4, Caches.ReplacementPolicy.TreePlru), setup.Caches.Iotlb);
        Assert.Equal(["00:03.0", "00:04.0"], setup.Devices.Select(d => d.ToString()));
    }

    [Fact]
    public void Replay_SetupScenario_RunsFirstAndMustDeclareTheTraceDevices()
    {
        _cli.Platform = new FakePlatform();
        string trace = _cli.Write("t.trace", Trace);
        string setup = _cli.Write("setup.scenario", "device 00:03.0\nmmio-write32 0x18 0\n");

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", trace, "--setup", setup));
        Assert.Equal($"vtdemu: error: replay: {setup}: the trace's device 00:04.0 is not declared; nothing was replayed. Add 'device 00:04.0' to the setup scenario.", _cli.ErrorLines[0]);
    }

    [Fact]
    public void Replay_SetupScenarioAssertionFails_NothingIsReplayed()
    {
        _cli.Platform = new FakePlatform();
        string trace = _cli.Write("t.trace", "00:03.0 0x1000 64 R\n");
        string setup = _cli.Write("setup.scenario", "device 00:03.0\nmmio-read32 0x1c == 0\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("replay", trace, "--setup", setup));
        Assert.Equal(
            [$"{setup}:2: mmio-read32 0x1c: expected 00000000, actual 0000001c", "vtdemu: error: replay: the setup scenario failed; nothing was replayed. Fix the setup's failed lines above and run again."],
            _cli.ErrorLines);
    }

    [Fact]
    public void Replay_EntriesNotAMultipleOfWays_ExitsBadInput()
    {
        string path = _cli.Write("t.trace", Trace);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path, "--iotlb-entries", "6", "--iotlb-ways", "4"));
    }

    [Fact]
    public void Replay_MissingTrace_IsAnErrorNotAnException()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", Path.Combine(_cli.Scratch, "none.trace")));
        Assert.Contains("cannot read the trace", _cli.Error, StringComparison.Ordinal);
    }
}
