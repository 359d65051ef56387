using VtdEmu.Registers;
using VtdEmu.Tests.Registers;

namespace VtdEmu.Tests;

public sealed partial class RemappingUnitTests
{
    // Every dword of the block after reset: VER/CAP/ECAP per preset, FECTL and IECTL with IM = 1
    // (spec: "31 RW 1b"), PECTL with IM = 1 when ECAP.PRS, MTRRCAP when ECAP.MTS; every other register and every gap is 0.
    public static TheoryData<string, uint, ulong, ulong, ulong> PresetResetValues => new()
    {
        { "qemu", 0x10, 0x00d2008c22260206, 0x0000000000f00f4a, 0 },
        { "qemu-sm", 0x10, 0x00d2008c22260206, 0x0000480080f00f4a, 0 },
        { "qemu-sm-prs", 0x10, 0x01d2008c222f0606, 0x00008800a0f00f4e, 0 },
        { "broadwell", 0x10, 0x08d2078c106f0466, 0x0000000000f020df, 0 },
        { "sapphire-rapids", 0x60, 0x19ed008c40780c66, 0x0003ee9e86f050df, 0x10A },
    };

    [Theory]
    [MemberData(nameof(PresetResetValues))]
    public void Read_AfterReset_EveryRegisterHasItsResetValue(string preset, uint ver, ulong cap, ulong ecap, ulong mtrrcap)
    {
        RemappingUnit unit = NewUnit(preset);
        var expected = new Dictionary<int, uint>
        {
            [0x000] = ver,
            [0x008] = unchecked((uint)cap),
            [0x00C] = (uint)(cap >> 32),
            [0x010] = unchecked((uint)ecap),
            [0x014] = (uint)(ecap >> 32),
            [0x038] = 0x8000_0000,
            [0x0A0] = 0x8000_0000,
            [0x0E0] = (ecap & (1UL << 29)) != 0 ? 0x8000_0000 : 0,
            [0x100] = (uint)mtrrcap,
        };

        Assert.Equal(0x1000, unit.Length);
        for (int offset = 0; offset < unit.Length; offset += 4)
        {
            uint want = expected.GetValueOrDefault(offset);
            Assert.True(want == (uint)unit.Read((ulong)offset, 4), $"{preset} offset 0x{offset:x3}");
        }
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Reset_AfterWrites_RestoresEverySnapshotValue(string preset)
    {
        RemappingUnit unit = NewUnit(preset);
        var before = new ulong[unit.Length / 8];
        for (int i = 0; i < before.Length; i++)
        {
            before[i] = unit.Read((ulong)i * 8, 8);
        }

        for (int offset = 0; offset < unit.Length; offset += 8)
        {
            unit.Write((ulong)offset, 8, 0xA5A5_5A5A_FFFF_0000);
        }

        unit.Reset();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], unit.Read((ulong)i * 8, 8));
        }

        Assert.Equal(0UL, unit.RootTableAddress);
    }

    [Fact]
    public void Write_ReadOnlyRegisters_Ignored()
    {
        RemappingUnit unit = NewUnit();
        Write64(unit, VtdRegister.CAP, 0);
        Write64(unit, VtdRegister.ECAP, ulong.MaxValue);
        Write32(unit, VtdRegister.VER, 0);
        Write32(unit, VtdRegister.GSTS, uint.MaxValue);
        Write64(unit, VtdRegister.IQH, ulong.MaxValue);
        Assert.Equal(0x00d2008c22260206UL, Read64(unit, VtdRegister.CAP));
        Assert.Equal(0x0000000000f00f4aUL, Read64(unit, VtdRegister.ECAP));
        Assert.Equal(0x10u, Read32(unit, VtdRegister.VER));
        Assert.Equal(0u, Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0UL, Read64(unit, VtdRegister.IQH));
    }

    public static TheoryData<string, VtdRegister, int, ulong> ReadWriteMasks => new()
    {
        // RTADDR: RTA 38:12 (HAW 39) + TTM 11:10; 9:0 RsvdZ, bits ≥ HAW not implemented.
        { "qemu", VtdRegister.RTADDR, 8, 0x0000_007F_FFFF_FC00 },
        { "sapphire-rapids", VtdRegister.RTADDR, 8, 0x000F_FFFF_FFFF_FC00 },
        { "qemu", VtdRegister.FEDATA, 4, 0xFFFF },
        { "qemu", VtdRegister.FEADDR, 4, 0xFFFF_FFFC },
        { "qemu", VtdRegister.FEUADDR, 4, 0 },          // RsvdZ without EIM
        { "broadwell", VtdRegister.FEUADDR, 4, 0xFFFF_FFFF },
        { "qemu", VtdRegister.IQT, 8, 0x7FFF0 },
        { "qemu", VtdRegister.IQA, 8, 0x0000_007F_FFFF_F807 },
        { "qemu", VtdRegister.IEDATA, 4, 0xFFFF },
        { "qemu", VtdRegister.IEADDR, 4, 0xFFFF_FFFC },
        { "qemu", VtdRegister.IRTA, 8, 0x0000_007F_FFFF_F00F }, // no EIME without EIM
        { "broadwell", VtdRegister.IRTA, 8, 0x0000_3FFF_FFFF_F80F },
        { "broadwell", VtdRegister.PLMBASE, 4, 0xFFF0_0000 },
        { "qemu", VtdRegister.PLMBASE, 4, 0 },          // no PLMR
        { "broadwell", VtdRegister.PHMLIMIT, 8, 0x0000_3FFF_FFF0_0000 },
        { "qemu", VtdRegister.AFLOG, 8, 0 },            // no AFL
        { "qemu", VtdRegister.PQA, 8, 0 },              // page requests not modelled
        { "sapphire-rapids", VtdRegister.MTRRDEF, 8, 0xCFF },
    };

    [Theory]
    [MemberData(nameof(ReadWriteMasks))]
    public void Write_AllOnes_ReadsBackOnlyWritableBits(string preset, VtdRegister register, int size, ulong writable)
    {
        RemappingUnit unit = NewUnit(preset);
        unit.Write((ulong)register, size, ulong.MaxValue);
        Assert.Equal(writable, unit.Read((ulong)register, size));
        unit.Write((ulong)register, size, 0);
        Assert.Equal(0UL, unit.Read((ulong)register, size));
    }

    [Fact]
    public void Read_WriteOnlyRegisters_ReturnZero()
    {
        RemappingUnit unit = NewUnit();
        Write32(unit, VtdRegister.GCMD, (uint)GlobalCommand.CFI);
        Assert.Equal(0u, Read32(unit, VtdRegister.GCMD));
        Assert.Equal((uint)GlobalCommand.CFI, unit.GetRegister32(VtdRegister.GCMD)); // stored for the model

        unit.Write(0xF0, 8, 0x1234_5000 | 0x47); // IVA at ECAP.IRO×16: ADDR, IH, AM are WO
        Assert.Equal(0UL, unit.Read(0xF0, 8));
        Assert.Equal(0x1234_5047UL, unit.GetRegister64(0xF0));
    }

    [Fact]
    public void Write_CCMD_StoresRwBits_WoBitsReadZero()
    {
        RemappingUnit unit = NewUnit();
        Write64(unit, VtdRegister.CCMD, 0x2000_0003_ABCD_1234); // CIRG=01 (global), FM=11, SID=0xABCD, DID=0x1234, ICC=0
        Assert.Equal(0x2000_0000_0000_1234UL, Read64(unit, VtdRegister.CCMD));
        Assert.Equal(0x2000_0003_ABCD_1234UL, unit.GetRegister64(VtdRegister.CCMD));
    }

    [Fact]
    public void Write_FSTS_Rw1c_ClearsOnlyOnOne()
    {
        RemappingUnit unit = NewUnit();
        unit.ReportInvalidationQueueError(1);
        Write32(unit, VtdRegister.FSTS, 0);
        Assert.Equal((uint)FaultStatus.IQE, Read32(unit, VtdRegister.FSTS));
        Write32(unit, VtdRegister.FSTS, (uint)FaultStatus.IQE);
        Assert.Equal(0u, Read32(unit, VtdRegister.FSTS));
    }

    [Fact]
    public void Write_PMEN_EPM_SetsPRS()
    {
        RemappingUnit unit = NewUnit("broadwell");
        Write32(unit, VtdRegister.PMEN, 0xFFFF_FFFF);
        Assert.Equal(0x8000_0001u, Read32(unit, VtdRegister.PMEN));
        Write32(unit, VtdRegister.PMEN, 0);
        Assert.Equal(0u, Read32(unit, VtdRegister.PMEN));
    }

    [Fact]
    public void Write_64BitRegisterAsTwoHalves_CombinesBothDwords()
    {
        RemappingUnit unit = NewUnit("sapphire-rapids");
        unit.Write((ulong)VtdRegister.RTADDR, 4, 0x1234_5400);
        unit.Write((ulong)VtdRegister.RTADDR + 4, 4, 0x000A_BCDE);
        Assert.Equal(0x000A_BCDE_1234_5400UL, Read64(unit, VtdRegister.RTADDR));
        Assert.Equal(0x1234_5400UL, unit.Read((ulong)VtdRegister.RTADDR, 4));
        Assert.Equal(0x000A_BCDEUL, unit.Read((ulong)VtdRegister.RTADDR + 4, 4));
    }

    [Fact]
    public void Write_QwordOverTwoDwordRegisters_ActsOnBoth()
    {
        RemappingUnit unit = NewUnit("broadwell");
        unit.Write((ulong)VtdRegister.FEADDR, 8, 0x0000_0002_FEE0_1003); // FEADDR and FEUADDR in one access
        Assert.Equal(0xFEE0_1000u, Read32(unit, VtdRegister.FEADDR));
        Assert.Equal(2u, Read32(unit, VtdRegister.FEUADDR));
        Assert.Equal(0x0000_0002_FEE0_1000UL, Read64(unit, VtdRegister.FEADDR));
    }

    public static TheoryData<ulong, int> InvalidAccesses => new()
    {
        { 0x00, 1 },
        { 0x00, 2 },
        { 0x20, 16 },
        { 0x22, 4 },
        { 0x1C, 8 },    // 8-byte access not 8-aligned
        { 0x1000, 4 },  // beyond the block
        { 0xFFC, 8 },
        { ulong.MaxValue - 3, 4 },
    };

    [Theory]
    [MemberData(nameof(InvalidAccesses))]
    public void Access_BadSizeAlignmentOrOffset_IsGuestError(ulong offset, int size)
    {
        RemappingUnit unit = NewUnit();
        var observer = new RecordingObserver();
        unit.Observer = observer;
        Assert.Equal(ulong.MaxValue, unit.Read(offset, size));
        unit.Write(offset, size, ulong.MaxValue);
        Assert.Equal(2, unit.GuestErrorCount);
        Assert.Equal([RegisterAccessKind.InvalidRead, RegisterAccessKind.InvalidWrite], observer.Accesses.Select(a => a.Kind));
        Assert.Equal(0UL, Read64(unit, VtdRegister.RTADDR));
    }

    [Fact]
    public void Access_UnimplementedOffset_ReadsZeroIgnoresWrites()
    {
        RemappingUnit unit = NewUnit();
        unit.Write(0x030, 4, uint.MaxValue);
        unit.Write(0x800, 8, ulong.MaxValue);
        Assert.Equal(0UL, unit.Read(0x030, 4));
        Assert.Equal(0UL, unit.Read(0x800, 8));
        Assert.Equal(0, unit.GuestErrorCount);
    }

    [Fact]
    public void Observer_SeesEveryAccessWithSpecName()
    {
        RemappingUnit unit = NewUnit();
        var observer = new RecordingObserver();
        unit.Observer = observer;
        unit.Read((ulong)VtdRegister.GSTS, 4);
        Write32(unit, VtdRegister.FECTL, 0);
        unit.Read(0x228, 8);
        unit.Read(0x030, 4);
        Assert.Equal(
            [
                new RegisterAccess(0x1C, 4, 0, RegisterAccessKind.Read, "GSTS"),
                new RegisterAccess(0x38, 4, 0, RegisterAccessKind.Write, "FECTL"),
                new RegisterAccess(0x228, 8, 0, RegisterAccessKind.Read, "FRCD0_HI"),
                new RegisterAccess(0x30, 4, 0, RegisterAccessKind.Read, "reserved"),
            ],
            observer.Accesses);
    }

    // Placement follows CAP.FRO/NFR and ECAP.IRO: the IOTLB register's DID field is RW, FRCD_HI.F is RW1C.
    public static TheoryData<string, int, int, int> Placements => new()
    {
        { "qemu", 0x0F0, 0x220, 1 },
        { "broadwell", 0x200, 0x100, 8 },
        { "sapphire-rapids", 0x500, 0x400, 1 },
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public void Layout_IotlbAndFrcdBlocks_AtCapabilityOffsets(string preset, int iva, int frcd, int count)
    {
        RemappingUnit unit = NewUnit(preset);
        unit.Write((ulong)iva + 8, 8, 0x0000_5678_0000_0000); // DID in IOTLB_REG 47:32
        Assert.Equal(0x0000_5678_0000_0000UL, unit.Read((ulong)iva + 8, 8));

        var observer = new RecordingObserver();
        unit.Observer = observer;
        unit.Read((ulong)frcd + (16UL * (ulong)(count - 1)) + 8, 8);
        unit.Read((ulong)frcd + (16UL * (ulong)count) + 8, 8);
        Assert.Equal($"FRCD{count - 1}_HI", observer.Accesses[0].Register);
        Assert.NotEqual($"FRCD{count}_HI", observer.Accesses[1].Register);
    }

    [Fact]
    public void Layout_OverlappingBlocks_RejectedAtConstruction()
    {
        UnitConfiguration overlapping = Custom(
            new CapabilityBuilder { FRO = 0x10, NFR = 1 },
            new ExtendedCapabilityBuilder { IRO = 0x11 });
        Assert.Throws<ArgumentException>(() => NewUnit(overlapping));
    }

    [Fact]
    public void Layout_FrcdBlockAbovePage_GrowsTheBlock()
    {
        RemappingUnit unit = NewUnit(Custom(new CapabilityBuilder { FRO = 0xFF, NFR = 255 }, new ExtendedCapabilityBuilder { IRO = 0x20 }));
        Assert.Equal(0x2000, unit.Length);
        Assert.Equal(0UL, unit.Read(0xFF0 + (255 * 16) + 8, 8));
    }
}
