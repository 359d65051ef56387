using CsCheck;
using VtdEmu.Faults;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed class ScenarioRunnerTests
{
    private const string File = "r.scenario";

    private readonly FakeScenarioTargetFactory _factory = new();
    private readonly StringWriter _output = new() { NewLine = "\n" };

    private ScenarioRunResult Run(string text)
    {
        ScenarioParseResult parsed = ScenarioParser.Parse(File, text);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        return ScenarioRunner.Run(parsed.Scenario, _factory, _output);
    }

    private string[] Lines => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Run_MmioRead32_PrintsLowerCaseAddressAndEightDigitValue()
    {
        ScenarioRunResult result = Run("mmio-write32 0x1C 0xC0000000\nmmio-read32 0x001C\n");

        Assert.True(result.Passed);
        Assert.Equal(["mmio-read32 0x1c = c0000000"], Lines);
    }

    [Fact]
    public void Run_RegisterNamedOffset_ResultLinePrintsTheNumber()
    {
        ScenarioRunResult result = Run("mmio-write32 FECTL 0\nmmio-read32 FECTL == 0\nmmio-read32 CAP+4\n");

        Assert.True(result.Passed);
        Assert.Equal("mmio-read32 0x38 = 00000000", Lines[0]);
        Assert.StartsWith("mmio-read32 0xc = ", Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MmioRead64_PrintsSixteenDigitValueAndHexAddressForDecimalInput()
    {
        Run("mmio-read64 8\nmmio-read64 0x10\n");

        Assert.Equal(["mmio-read64 0x8 = 00d2008c22260206", "mmio-read64 0x10 = 0000000000f00f4a"], Lines);
    }

    [Fact]
    public void Run_CapOverride_ReachesTheTarget()
    {
        Run("cap 0x1234\nmmio-read64 0x8\n");

        Assert.Equal(["mmio-read64 0x8 = 0000000000001234"], Lines);
    }

    [Fact]
    public void Run_AddressZero_PrintsZeroX0()
    {
        Run("mem-read32 0\n");

        Assert.Equal(["mem-read32 0x0 = 00000000"], Lines);
    }

    [Fact]
    public void Run_MemoryCommands_WriteThenReadBackLittleEndianAndInAddressOrder()
    {
        ScenarioRunResult result = Run("""
            mem-write64 0x1000 0x0807060504030201
            mem-write32 0x1008 0xDDCCBBAA
            mem-fill 0x100C 4 0xEE
            mem-read64 0x1000
            mem-read32 0x1004
            mem-read 0x1000 16
            """);

        Assert.True(result.Passed);
        Assert.Equal(
            ["mem-read64 0x1000 = 0807060504030201", "mem-read32 0x1004 = 08070605", "mem-read 0x1000 = 0102030405060708aabbccddeeeeeeee"],
            Lines);
    }

    [Fact]
    public void Run_Dma_PrintsBdfIovaAndOkOrTwoDigitFault()
    {
        ScenarioRunResult result = Run("device 00:03.0\nmem-fill 0x1000 4 0x5a\ndma-read 00:03.0 0x1000 4\ndma-write 00:03.0 0x2000 4 1\n");

        Assert.True(result.Passed);
        Assert.Equal(["dma-read 00:03.0 0x1000 = fault 02", "dma-write 00:03.0 0x2000 = fault 02"], Lines);
    }

    [Fact]
    public void Run_Dma_PassesSourceIdIovaAndDataToTheTarget()
    {
        var target = new FakeScenarioTarget(new ScenarioSetup());
        target.Allow(0x0A0B, 0x2, writable: true);
        ScenarioParseResult parsed = ScenarioParser.Parse(File, "device 0a:01.3\ndma-write 0a:01.3 0x2000 3 0x7f == ok\nmem-read 0x2000 4 == 7f7f7f00\n");

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario!, target, _output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal([((ushort)0x0A0B, 0x2000UL, 3, DmaDirection.Write)], target.DmaLog);
        Assert.Equal(["dma-write 0a:01.3 0x2000 = ok", "mem-read 0x2000 = 7f7f7f00"], Lines);
    }

    [Fact]
    public void Run_DmaWithPasid_PassesThePrefixAndPrintsAsWithout()
    {
        var target = new FakeScenarioTarget(new ScenarioSetup());
        target.Allow(0x0A0B, 0x2, writable: true);
        ScenarioParseResult parsed = ScenarioParser.Parse(File, "device 0a:01.3\ndma-read 0a:01.3 0x2000 4 pasid=0x85 priv == ok\n");

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario!, target, _output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal(((uint?)0x85, true, false), target.LastPasid);
        Assert.Equal(["dma-read 0a:01.3 0x2000 = ok"], Lines);
    }

    [Fact]
    public void Run_WriteFaultFromTarget_PrintsItsCode()
    {
        var target = new FakeScenarioTarget(new ScenarioSetup());
        target.Allow(0x18, 0x2, writable: false);
        ScenarioParseResult parsed = ScenarioParser.Parse(File, "device 00:03.0\ndma-write 00:03.0 0x2000 8 0 == fault 05\ndma-read 00:03.0 0x2000 8 == ok\n");

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario!, target, _output);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal(["dma-write 00:03.0 0x2000 = fault 05", "dma-read 00:03.0 0x2000 = ok"], Lines);
    }

    [Fact]
    public void Run_FailedAssertions_AreAllCollectedWithFileLineExpectedAndActual()
    {
        ScenarioRunResult result = Run("""
            device 00:03.0
            mmio-read32 0x1c == 0xc0000000
            mem-write32 0x40 0x1234
            mem-read32 0x40 & 0xff00 == 0x1300
            mem-read64 0x40 == 0x1235
            mem-read 0x40 2 == 3412
            dma-read 00:03.0 0x1000 4 == ok
            """);

        Assert.Equal(6, result.CommandsRun);
        Assert.Equal(5, result.AssertionsChecked);
        Assert.Equal(
            [
                "r.scenario:2: mmio-read32 0x1c: expected c0000000, actual 00000000",
                "r.scenario:4: mem-read32 0x40: expected 00001300 under mask 0000ff00, actual 00001234 (masked 00001200)",
                "r.scenario:5: mem-read64 0x40: expected 0000000000001235, actual 0000000000001234",
                "r.scenario:7: dma-read 00:03.0 0x1000: expected ok, actual fault 02",
            ],
            result.Failures.Select(f => f.ToString()));
        Assert.Equal(5, Lines.Length);
    }

    [Fact]
    public void Run_MaskedAssertion_ComparesOnlyTheMaskedBits()
    {
        Gen.Select(Gen.UInt, Gen.UInt).Sample((value, mask) =>
        {
            _output.GetStringBuilder().Clear();
            ScenarioRunResult result = Run($"mem-write32 0x0 0x{value:x}\nmem-read32 0x0 & 0x{mask:x} == 0x{value & mask:x}\n");
            Assert.True(result.Passed);

            uint wrong = (value & mask) ^ (mask & unchecked(0u - mask)); // flip the lowest bit inside the mask
            ScenarioRunResult failed = Run($"mem-write32 0x0 0x{value:x}\nmem-read32 0x0 & 0x{mask:x} == 0x{wrong:x}\n");
            Assert.Equal(mask == 0, failed.Passed);
        });
    }

    [Fact]
    public void Run_ReadOutsideRam_IsAFailureAndTheRunContinues()
    {
        ScenarioRunResult result = Run("ram 0 0x1000\nmem-read32 0x1000\nmem-fill 0xFF0 0x20 1\nmem-read32 0xFFC == 0\n");

        Assert.Equal(
            ["r.scenario:2: mem-read32 0x1000: 4 bytes at 0x1000 are not all guest RAM", "r.scenario:3: mem-fill 0xff0: 32 bytes at 0xff0 are not all guest RAM"],
            result.Failures.Select(f => f.ToString()));
        Assert.Equal(["mem-read32 0xffc = 00000000"], Lines);
    }

    [Fact]
    public void Run_MemFillOverHugeRam_FailsNamingTheBackingLimitAndLineWithoutRunningOutOfMemory()
    {
        ScenarioRunResult result = Run("ram 0 0xFFFFFFFFFF000\nmem-fill 0 0xFFFFFFFFF000 0xAA\nmem-fill 0 0xFFFFFFFFF000 0\nmem-read32 0x1000 == 0\n");

        Assert.Equal(
            ["r.scenario:2: mem-fill 0x0: writing 281474976706560 bytes would take the host memory behind guest RAM past its limit of 4 GiB (0 bytes in use); write less, or fill with 0 (unwritten RAM already reads as 0)"],
            result.Failures.Select(f => f.ToString()));
        Assert.Equal(["mem-read32 0x1000 = 00000000"], Lines);
    }

    [Fact]
    public void Run_FactoryRefusesSetup_ReportsItsErrorAndRunsNothing()
    {
        ScenarioRunResult result = Run("preset nosuch\nmmio-read32 0\n");

        Assert.Equal("r.scenario:1: preset: unknown preset 'nosuch'", Assert.Single(result.Failures).ToString());
        Assert.Equal(0, result.CommandsRun);
        Assert.Empty(Lines);
    }

    [Fact]
    public void DmaOutcome_ToString_IsOkOrFaultWithTwoHexDigits()
    {
        Assert.Equal("ok", DmaOutcome.Ok.ToString());
        Assert.Equal("fault 05", new DmaOutcome(FaultReason.WriteDenied).ToString());
        Assert.Equal("fault 7a", new DmaOutcome(FaultReason.SecondLevelEntryReserved).ToString());
        Assert.Equal("abort", DmaOutcome.Aborted.ToString());
        Assert.Equal("ur", DmaOutcome.UnsupportedRequest.ToString());
    }

    [Fact]
    public void DmaOutcome_AbortAndUr_AreNeitherOkNorEqualToEachOther()
    {
        Assert.False(DmaOutcome.Aborted.IsOk);
        Assert.False(DmaOutcome.UnsupportedRequest.IsOk);
        Assert.NotEqual(DmaOutcome.Aborted, DmaOutcome.UnsupportedRequest);
        Assert.NotEqual(DmaOutcome.Ok, DmaOutcome.Aborted);
    }
}
