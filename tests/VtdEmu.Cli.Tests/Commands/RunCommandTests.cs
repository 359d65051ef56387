using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Run_BadScenario_NamesFileAndLineOnStderrAndExitsBadInput()
    {
        string path = _cli.Write("bad.scenario", "# comment\nmmio-read32 0x1c\nmmio-read32\n");

        int exit = _cli.Run("run", path);

        Assert.Equal(ExitCode.BadInput, exit);
        Assert.Empty(_cli.Out);
        Assert.Equal([$"{path}:3: mmio-read32: expected 'mmio-read32 OFF', found 0 operands", "vtdemu: error: 1 parse error; nothing was run. Fix the lines above and run again."], _cli.ErrorLines);
    }

    [Fact]
    public void Run_MissingPath_ExitsBadInput()
    {
        string path = Path.Combine(_cli.Scratch, "nope.scenario");

        Assert.Equal(ExitCode.BadInput, _cli.Run("run", path));
        Assert.Equal([$"vtdemu: error: {path}: no such file or directory. Check the path."], _cli.ErrorLines);
    }

    [Fact]
    public void Run_ParseOnly_ChecksEveryScenarioInADirectoryRecursively()
    {
        _cli.Write("a.scenario", "mmio-read32 0x1c == 0x1c\n");
        _cli.Write("sub/b.scenario", "device 00:03.0\ndma-read 00:03.0 0 4 == ok\nmem-write32 0 1\n");
        _cli.Write("ignored.txt", "not a scenario");

        int exit = _cli.Run("run", "--parse-only", _cli.Scratch);

        Assert.Equal(ExitCode.Success, exit);
        Assert.Equal(["run: 2 scenarios parsed: 3 commands, 2 assertions"], _cli.ErrorLines);
    }

    [Fact]
    public void Run_OnThePlatform_ReadsTheResetUnit()
    {
        string path = _cli.Write("a.scenario", "mmio-read64 0x8 == 0x00d2008c22260206\nmmio-read32 0x1c\n");

        Assert.Equal(ExitCode.Success, _cli.Run("run", path));
        Assert.Equal(["mmio-read64 0x8 = 00d2008c22260206", "mmio-read32 0x1c = 00000000"], _cli.OutLines);
    }

    [Fact]
    public void Run_ManyFiles_LabelsEachFilesOutput()
    {
        string first = _cli.Write("a.scenario", "mmio-read32 GSTS\n");
        string second = _cli.Write("b.scenario", "mmio-read32 0x1c\n");

        Assert.Equal(ExitCode.Success, _cli.Run("run", first, second));

        Assert.Equal([$"# {first}", "mmio-read32 0x1c = 00000000", $"# {second}", "mmio-read32 0x1c = 00000000"], _cli.OutLines);
        Assert.Equal("run: 2 scenarios, 2 commands, 0 assertions, 0 failures", _cli.ErrorLines[^1]);
    }

    [Fact]
    public void Run_VectorsDirectory_EveryAssertionHolds()
    {
        string vectors = CliHarness.VectorsDirectory;

        Assert.Equal(ExitCode.Success, _cli.Run("run", vectors));
        Assert.Matches(new Regex(@"^run: \d+ scenarios, \d+ commands, \d+ assertions, 0 failures$"), _cli.ErrorLines[^1]);
    }

    [Fact]
    public void Run_FailedAssertion_NamesFileAndLineAndExitsFailed()
    {
        string path = _cli.Write("a.scenario", "# reset\nmmio-read32 0x38 == 0\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("run", path));
        Assert.Equal($"{path}:2: mmio-read32 0x38: expected 00000000, actual 80000000", _cli.ErrorLines[0]);
    }

    [Fact]
    public void Run_MemFillPastTheBackingLimit_NamesTheLineAndLimitAndExitsFailed()
    {
        string path = _cli.Write("a.scenario", "ram 0 0xFFFFFFFFFF000\nmem-fill 0 0xFFFFFFFFF000 0xAA\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("run", path));
        Assert.StartsWith($"{path}:2: mem-fill 0x0: writing 281474976706560 bytes would take the host memory behind guest RAM past its limit of 4 GiB", _cli.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownPreset_ReportedAtItsLineAndExitsFailed()
    {
        string path = _cli.Write("a.scenario", "\npreset skylake\nmmio-read32 0x0\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("run", path));
        Assert.StartsWith($"{path}:2: preset: unknown preset 'skylake'", _cli.ErrorLines[0], StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Run_Dump_ShowsTheTablesReachableFromTheLatchedRoot()
    {
        string vector = Path.Combine(CliHarness.VectorsDirectory, "translation", "legacy-39bit-4k.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("run", vector, "--dump"));
        Assert.Contains("RTADDR (latched) 0x10000 TTM=Legacy GSTS.TES=1", _cli.OutLines);
        Assert.Contains(_cli.OutLines, l => l.StartsWith("    context[00:03.0] ContextEntry P=1", StringComparison.Ordinal) && l.Contains("DID=1", StringComparison.Ordinal));
        Assert.Contains(_cli.OutLines, l => l.StartsWith("          L1[2] iova 0x2000 -> 0x81000 (4 KiB)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_Dump_ShowsWhatTheCachesHold()
    {
        string vector = Path.Combine(CliHarness.VectorsDirectory, "caching", "stale-iotlb-register-invalidation.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("run", vector, "--dump"));

        // The vector ends with a domain-selective invalidation of DID 1 and one DMA to IOVA 0x2000,
        // which walked the edited table: the IOTLB holds that page alone, with its new frame.
        Assert.Contains("# caches: iotlb 64x4 lru, iotlb-large 32x32 lru, context-cache 64x4 lru, pasid-cache 64x4 lru, psc 64x4 lru, iec 64x4 lru", _cli.OutLines);
        Assert.Contains("# iotlb: 1 entry", _cli.OutLines);
        Assert.Contains("iotlb did=1 second-level 0x2000 4k -> 0x91000 rw", _cli.OutLines);

        // IOTLB invalidations leave the context cache alone: 00:03.0's entry from the first DMA.
        Assert.Contains("# context-cache: 1 entry", _cli.OutLines);
        Assert.Contains("context-cache 00:03.0 did=1 legacy tt=0 aw=1 ptr=0x12000", _cli.OutLines);

        // The last walk (3 levels from 0x12000) cached its two non-leaf entries again.
        Assert.Contains("# psc: 2 entries", _cli.OutLines);
        Assert.Contains("psc did=1 second-level pdpe 0x0 -> table 0x13000 rw", _cli.OutLines);
        Assert.Contains("psc did=1 second-level pde 0x0 -> table 0x14000 rw", _cli.OutLines);
    }

    [Fact]
    public void Run_Dump_ShowsFirstLevelPagingStructureEntriesWithTheirPasid()
    {
        string vector = Path.Combine(CliHarness.VectorsDirectory, "translation", "first-level-qemu-sm-fl.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("run", vector, "--dump"));

        // PASID 5's successful walks from FLPTPTR 0x30000 cached PML4E, PDPE and PDE (user, writable at every level).
        Assert.Contains("# psc: 3 entries", _cli.OutLines);
        Assert.Contains("psc did=2 first-level pasid=0x5 pml4e 0x0 -> table 0x31000 rw u", _cli.OutLines);
        Assert.Contains("psc did=2 first-level pasid=0x5 pdpe 0x0 -> table 0x32000 rw u", _cli.OutLines);
        Assert.Contains("psc did=2 first-level pasid=0x5 pde 0x0 -> table 0x33000 rw u", _cli.OutLines);
    }

    [Fact]
    public void Run_Dump_CachesOff_HoldNothing()
    {
        string vector = Path.Combine(CliHarness.VectorsDirectory, "caching", "caches-off.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("run", vector, "--dump"));

        Assert.Contains("# caches: iotlb off, iotlb-large off, context-cache off, pasid-cache off, psc off, iec off", _cli.OutLines);
        Assert.Contains("# iotlb: 0 entries", _cli.OutLines);
        Assert.Contains("# context-cache: 0 entries", _cli.OutLines);
    }

    [Fact]
    public void Dump_Command_IsRunWithDump()
    {
        string path = _cli.Write("a.scenario", "mmio-read32 0x1c\n");

        Assert.Equal(ExitCode.Success, _cli.Run("dump", path));
        Assert.Contains("RTADDR (latched) 0x0 TTM=Legacy GSTS.TES=0", _cli.OutLines);
    }

    [Fact]
    public void Run_WithPlatform_PrintsResultLinesOnlyOnStdout()
    {
        _cli.Platform = new FakePlatform();
        string path = _cli.Write("a.scenario", "device 00:03.0\nmmio-read32 0x1C\nmmio-write32 0x18 1\ndma-read 00:03.0 0x1000 4\ndma-write 00:03.0 0x20000 4 0xff\n");

        int exit = _cli.Run("run", path);

        Assert.Equal(ExitCode.Success, exit);
        Assert.Equal(["mmio-read32 0x1c = 0000001c", "dma-read 00:03.0 0x1000 = ok", "dma-write 00:03.0 0x20000 = fault 04"], _cli.OutLines);
    }

    [Fact]
    public void Run_FailedAssertions_AreEachNamedOnStderrAndExitFailed()
    {
        _cli.Platform = new FakePlatform();
        string path = _cli.Write("a.scenario", "device 00:03.0\nmmio-read32 0x1c == 0x1d\nmmio-read64 0x8 == 0x8\ndma-read 00:03.0 0x20000 4 == ok\n");

        int exit = _cli.Run("run", path);

        Assert.Equal(ExitCode.Failed, exit);
        Assert.Equal(
            [
                $"{path}:2: mmio-read32 0x1c: expected 0000001d, actual 0000001c",
                $"{path}:4: dma-read 00:03.0 0x20000: expected ok, actual fault 04",
                "run: 1 scenario, 3 commands, 3 assertions, 2 failures",
            ],
            _cli.ErrorLines);
        Assert.Equal(3, _cli.OutLines.Length);
    }

    [Fact]
    public void Run_PlatformRefusesSetup_ReportsTheDirectiveLine()
    {
        _cli.Platform = new FakePlatform();
        string path = _cli.Write("a.scenario", "preset skylake\nmmio-read32 0\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("run", path));
        Assert.Equal($"{path}:1: preset: unknown preset 'skylake'", _cli.ErrorLines[0]);
    }
}
