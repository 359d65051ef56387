using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>The dump after a scenario: the latched IRT decoded, and every cache including the IEC and the device-TLBs.</summary>
public sealed class PlatformDumpTests
{
    private static string[] DumpAfter(string text)
    {
        ScenarioParseResult parsed = ScenarioParser.Parse("d.scenario", text);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        Assert.True(new PlatformScenarioTargetFactory().TryCreate(parsed.Scenario.Setup, out IScenarioTarget? target, out _));
        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario, target, TextWriter.Null);
        Assert.True(result.Passed, string.Join('\n', result.Failures));
        using var output = new StringWriter { NewLine = "\n" };

        int lines = PlatformDump.Write(((PlatformScenarioTarget)target).Platform, output);

        string[] printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines, printed.Length);
        return printed;
    }

    [Fact]
    public void Dump_AfterInterruptRemapping_ShowsPresentIrtesDecodedAndTheIecEntry()
    {
        string[] lines = DumpAfter("""
            preset broadwell
            ram 0 0x100000
            device 00:03.0
            mem-write64 0x30050 0x0000_0100_0030_0001
            mem-write64 0x30070 0x0000_0100_0030_1001
            mem-write64 0x30090 0x0004_0000_0055_8001
            mmio-write64 IRTA 0x30003
            mmio-write32 GCMD 0x01000000
            mmio-write32 GCMD 0x02000000
            msi 00:03.0 0xfee000b0 0 == delivered irte=5
            """);

        Assert.Contains("IRTA (latched) 0x30003: table 0x30000, 16 entries, xAPIC GSTS.IRES=1 CFIS=0", lines);
        Assert.Contains("  irte[5] IRTE P=1 FPD=0 IM=0 V=0x30 DST=0x100 DLM=0 DM=0 TM=0 RH=0 SID=0x0000 SQ=0 SVT=0", lines);
        Assert.Contains("  irte[7] IRTE P=1 FPD=0 IM=0 V=0x30 DST=0x100 DLM=0 DM=0 TM=0 RH=0 SID=0x0000 SQ=0 SVT=0 (reserved bits set)", lines);
        Assert.Contains("  irte[9] Posted IRTE P=1 FPD=0 URG=0 VV=0x55 PDA=0x40000 SID=0x0000 SQ=0 SVT=0", lines);
        Assert.Contains("  3 present of 16", lines);
        Assert.Contains("# iec: 1 entry", lines);
        Assert.Contains("iec irte[5] IRTE P=1 FPD=0 IM=0 V=0x30 DST=0x100 DLM=0 DM=0 TM=0 RH=0 SID=0x0000 SQ=0 SVT=0", lines);
    }

    [Fact]
    public void Dump_WithoutSirtp_SaysNoIrtIsLatched()
    {
        Assert.Contains("IRTA (latched): none, no SIRTP yet (GSTS.IRTPS=0)", DumpAfter("mmio-read32 GSTS == 0\n"));
    }

    [Fact]
    public void Dump_AtsDevice_ShowsItsDeviceTlbEntries_TranslationOff()
    {
        // Translation off: a translation request completes untranslated with R = W = 1 (spec-notes/device-tlb.md §2).
        string[] lines = DumpAfter("preset broadwell\ndevice 00:03.0 ats dtlb-entries=4\ndevice 00:04.0\nats-translate 00:03.0 0x5123 == translated 0x5000 4k rw\n");

        Assert.Contains("# device-tlb 00:03.0 (4x4 lru, unit 0): 1 entry", lines);
        Assert.Contains("device-tlb 00:03.0 0x5000 4k -> 0x5000 rw", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("# device-tlb 00:04.0", StringComparison.Ordinal));
    }
}
