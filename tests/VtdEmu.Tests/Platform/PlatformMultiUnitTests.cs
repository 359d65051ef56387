using VtdEmu.Dmar;
using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tests.Dmar;

namespace VtdEmu.Tests.Platform;

/// <summary>Platforms with several remapping units, each covering its DRHD scope (VT-d spec ch. 8, spec-notes/dmar.md §4).</summary>
public sealed class PlatformMultiUnitTests
{
    private const ushort Gpu = 0x0010;      // 00:02.0, listed by unit 0
    private const ushort Nic = 0x0318;      // 03:03.0, under unit 0's bridge 00:1c.0 (buses 3..4)
    private const ushort Storage = 0x00FA;  // 00:1f.2, nobody lists it: the include-all unit 1

    private static byte[] Table() => new DmarBuilder()
        .Drhd(0xFED9_0000, includeAll: false, DmarBuilder.Endpoint(0, 2, 0), DmarBuilder.Bridge(0, 0x1C, 0))
        .Drhd(0xFED9_1000, includeAll: true)
        .Build();

    [Fact]
    public void TryFromDmar_UnitsAtTheirBases_DevicesGoToTheUnitThatListsThem()
    {
        VtdEmu.Platform platform = FromTable();

        Assert.Equal(2, platform.Units.Count);
        Assert.Same(platform.Units[1], platform.UnitAt(0xFED9_1000));
        Assert.Null(platform.UnitAt(0xFED9_2000));
        Assert.Equal(0, platform.UnitIndexFor(Gpu));
        Assert.Equal(0, platform.UnitIndexFor(0x00E0)); // the bridge itself
        Assert.Equal(0, platform.UnitIndexFor(Nic));
        Assert.Equal(1, platform.UnitIndexFor(Storage));
        Assert.Equal(1, platform.UnitIndexFor(0x0500)); // bus 5 is outside the bridge's range
    }

    [Fact]
    public void Dma_GoesThroughTheCoveringUnit_FaultsAreRecordedThere()
    {
        VtdEmu.Platform platform = FromTable();
        // Unit 0 maps the GPU's IOVA 0x1000 to 0x80000; unit 1 maps storage's IOVA 0x1000 to 0x90000.
        Program(platform, platform.Units[0], tables: 0x10000, Gpu, 0x80000);
        Program(platform, platform.Units[1], tables: 0x20000, Storage, 0x90000);

        Assert.True(platform.AddDevice(Gpu).Write(0x1000, [0xAA]).IsCompleted);
        Assert.True(platform.AddDevice(Storage).Write(0x1000, [0xBB]).IsCompleted);
        DmaResult nic = platform.AddDevice(Nic).Write(0x1000, [0xCC]); // unit 0 has no root entry for bus 3

        Assert.True(platform.Memory.TryRead32(0x80000, out uint gpu));
        Assert.True(platform.Memory.TryRead32(0x90000, out uint storage));
        Assert.Equal((0xAAu, 0xBBu), (gpu & 0xFF, storage & 0xFF));
        Assert.Equal(FaultReason.RootEntryNotPresent, nic.Fault);
        Assert.NotEqual(0UL, platform.Units[0].Read((ulong)VtdRegister.FSTS, 4) & (ulong)FaultStatus.PPF);
        Assert.Equal(0UL, platform.Units[1].Read((ulong)VtdRegister.FSTS, 4) & (ulong)FaultStatus.PPF);
    }

    [Fact]
    public void TryFromDmar_RefusesOtherSegmentsAndEmptyTables()
    {
        byte[] segment1 = new DmarBuilder().Drhd(0xFED9_0000, true).Build();
        segment1[0x36] = 1;
        DmarBuilder.FixChecksum(segment1);
        Assert.True(DmarTable.TryParse(segment1, out DmarTable table, out _));
        Assert.False(VtdEmu.Platform.TryFromDmar(table, UnitConfiguration.Broadwell, out _, out string error));
        Assert.Contains("segment 1", error, StringComparison.Ordinal);

        Assert.True(DmarTable.TryParse(new DmarBuilder().Build(), out DmarTable empty, out _));
        Assert.False(VtdEmu.Platform.TryFromDmar(empty, UnitConfiguration.Broadwell, out _, out _));
    }

    private static VtdEmu.Platform FromTable()
    {
        Assert.True(DmarTable.TryParse(Table(), out DmarTable table, out DmarError error), error.ToString());
        Assert.True(VtdEmu.Platform.TryFromDmar(table, UnitConfiguration.Broadwell, out VtdEmu.Platform? platform, out string message, sid => sid == 0x00E0 ? ((byte)3, (byte)4) : null), message);
        return platform!;
    }

    // A legacy root table at `tables` with one 4-level mapping for `sid`: IOVA 0x1000 -> `page`.
    private static void Program(VtdEmu.Platform platform, RemappingUnit unit, ulong tables, ushort sid, ulong page)
    {
        void Write(ulong address, ulong value) => Assert.True(platform.Memory.TryWrite64(address, value));
        ulong context = tables + 0x1000;
        Write(tables + ((ulong)(sid >> 8) * 16), context | 1);
        Write(context + ((ulong)(sid & 0xFF) * 16), (tables + 0x2000) | 1);
        Write(context + ((ulong)(sid & 0xFF) * 16) + 8, (1 << 8) | 2);
        Write(tables + 0x2000, (tables + 0x3000) | 3);
        Write(tables + 0x3000, (tables + 0x4000) | 3);
        Write(tables + 0x4000, (tables + 0x5000) | 3);
        Write(tables + 0x5008, page | 3);
        unit.Write((ulong)VtdRegister.RTADDR, 8, tables);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
    }
}
