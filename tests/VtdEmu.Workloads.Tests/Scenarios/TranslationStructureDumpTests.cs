using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;
using EmulatedPlatform = VtdEmu.Platform;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed class TranslationStructureDumpTests
{
    private static EmulatedPlatform LegacyPlatform(ulong l3Entry0)
    {
        var platform = new EmulatedPlatform(UnitConfiguration.Qemu, null, new MemoryRange(0, 0x100000));
        platform.Memory.TryWrite64(0x10000, 0x11001);      // root[0] -> context table 0x11000
        platform.Memory.TryWrite64(0x11180, 0x12001);      // 00:03.0 -> SL-PML3 0x12000
        platform.Memory.TryWrite64(0x11188, 0x0101);       // AW 39-bit, DID 1
        platform.Memory.TryWrite64(0x12000, l3Entry0);
        platform.Unit.Write((ulong)VtdRegister.RTADDR, 8, 0x10000);
        platform.Unit.Write((ulong)VtdRegister.GCMD, 4, (ulong)GlobalCommand.SRTP);
        return platform;
    }

    [Fact]
    public void Write_Legacy_ShowsPresentEntriesOnly()
    {
        EmulatedPlatform platform = LegacyPlatform(0x13003);
        platform.Memory.TryWrite64(0x13010, 0x600083);     // L2[2]: 2-MiB page at 6 MiB
        using var output = new StringWriter { NewLine = "\n" };

        int lines = TranslationStructureDump.Write(platform, output);

        string[] text = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines, text.Length);
        Assert.Equal("RTADDR (latched) 0x10000 TTM=Legacy GSTS.TES=0", text[0]);
        Assert.StartsWith("  root[bus 00] RootEntry P=1 CTP=0x11000", text[1], StringComparison.Ordinal);
        Assert.StartsWith("    context[00:03.0] ContextEntry P=1", text[2], StringComparison.Ordinal);
        Assert.StartsWith("      L3[0] iova 0x0 SLPTE", text[3], StringComparison.Ordinal);
        Assert.StartsWith("        L2[2] iova 0x400000 -> 0x600000 (2 MiB) SLPTE", text[4], StringComparison.Ordinal);
        Assert.Equal(5, text.Length);
    }

    [Fact]
    public void Write_TableThatPointsAtItself_IsShownOnce()
    {
        EmulatedPlatform platform = LegacyPlatform(0x12003);        // L3[0] -> the L3 table itself
        using var output = new StringWriter { NewLine = "\n" };

        TranslationStructureDump.Write(platform, output);

        Assert.Contains("SL table at 0x12000: already shown", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_LineBudget_StopsAndSaysSo()
    {
        EmulatedPlatform platform = LegacyPlatform(0x13003);
        for (ulong i = 0; i < 512; i++)
        {
            platform.Memory.TryWrite64(0x13000 + (8 * i), 0x14003);   // every L2 entry -> the same PT
        }

        using var output = new StringWriter { NewLine = "\n" };

        int lines = TranslationStructureDump.Write(platform, output, maxLines: 10);

        Assert.Equal(10, lines);
        Assert.EndsWith("... (stopped after 10 lines)\n", output.ToString(), StringComparison.Ordinal);
    }
}
