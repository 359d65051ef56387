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

    [Fact]
    public void Write_Scalable_ShowsEveryPresentPasidEntryWithItsFirstLevelSecondLevelOrNestedTables()
    {
        var platform = new EmulatedPlatform(UnitConfiguration.SapphireRapids, null, new MemoryRange(0, 0x100000));
        void W(ulong address, ulong value) => Assert.True(platform.Memory.TryWrite64(address, value));
        W(0x10000, 0x11001);                     // root[0] lower half -> scalable context table 0x11000
        W(0x11300, 0x12001);                     // 00:03.0: P, PDTS 0, PASID directory 0x12000, RID_PASID 0
        W(0x12000, 0x13001);                     // pasid-dir[0] -> PASID table 0x13000
        W(0x13000, 0x14089);                     // pasid[0]: P, AW 2, PGTT 010 (second level), SLPTPTR 0x14000 (empty)
        W(0x13008, 1);
        W(0x13140, 0x41);                        // pasid[5]: P, PGTT 001 (first level)
        W(0x13148, 2);
        W(0x13150, 0x15000);                     //   FLPTPTR 0x15000
        W(0x15000, 0x16007);                     //   FL4[0] -> 0x16000
        W(0x16000, 0x17007);                     //   FL3[0] -> 0x17000
        W(0x17008, 0x200087);                    //   FL2[1]: 2 MiB page at 2 MiB
        W(0x13180, 0x180C9);                     // pasid[6]: P, AW 2, PGTT 011 (nested), SLPTPTR 0x18000
        W(0x13188, 3);
        W(0x13190, 0x5000);                      //   FLPTPTR: guest-physical 0x5000
        W(0x18000, 0x1A003);                     //   second level maps guest 0x5000 -> host 0x19000
        W(0x1A000, 0x1B003);
        W(0x1B000, 0x1C003);
        W(0x1C028, 0x19003);
        W(0x19000, 0x6007);                      //   FL4[0] -> guest-physical 0x6000, not mapped
        platform.Unit.Write((ulong)VtdRegister.RTADDR, 8, 0x10000 | (1UL << 10));
        platform.Unit.Write((ulong)VtdRegister.GCMD, 4, (ulong)GlobalCommand.SRTP);
        using var output = new StringWriter { NewLine = "\n" };

        TranslationStructureDump.Write(platform, output);

        string[] text = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] expectedStarts =
        [
            "RTADDR (latched) 0x10000 TTM=Scalable",
            "  root[bus 00] ",
            "    context[00:03.0] ",
            "      pasid-dir[0] ",
            "        pasid[0] (RID_PASID) PasidEntry P=1",
            "        pasid[5] PasidEntry P=1",
            "          FL4[0] iova 0x0 ",
            "            FL3[0] iova 0x0 ",
            "              FL2[1] iova 0x200000 -> 0x200000 (2 MiB) ",
            "        pasid[6] PasidEntry P=1",
            "          second level:",
            "            L4[0] iova 0x0 SLPTE",
            "              L3[0] iova 0x0 SLPTE",
            "                L2[0] iova 0x0 SLPTE",
            "                  L1[5] iova 0x5000 -> 0x19000 (4 KiB) SLPTE",
            "          first level (guest-physical table addresses, read through the second level):",
            "            FL4[0] iova 0x0 ",
            "              FL table at 0x6000 (guest physical): not mapped by the second level",
        ];
        Assert.Equal(expectedStarts.Length, text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            Assert.StartsWith(expectedStarts[i], text[i], StringComparison.Ordinal);
        }
    }
}
