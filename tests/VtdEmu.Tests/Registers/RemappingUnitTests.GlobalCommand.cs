using VtdEmu.Registers;

namespace VtdEmu.Tests;

public sealed partial class RemappingUnitTests
{
    [Fact]
    public void Write_GCMD_SRTP_LatchesRTADDR_SetsRTPS()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        Write64(unit, VtdRegister.RTADDR, 0x0012_3000 | (1UL << 10)); // scalable TTM
        Command(unit, GlobalCommand.SRTP);

        Assert.Equal((uint)GlobalStatus.RTPS, Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0x0012_3000UL, unit.RootTableAddress);
        Assert.Equal(TranslationTableMode.Scalable, unit.RootTableMode);

        // RTADDR is only consumed on SRTP: a later write does not move the latched table.
        Write64(unit, VtdRegister.RTADDR, 0x0045_6000);
        Assert.Equal(0x0012_3000UL, unit.RootTableAddress);
    }

    [Fact]
    public void Write_GCMD_SrtpThenTe_SetsTES_KeepsRTPS()
    {
        RemappingUnit unit = NewUnit();
        Write64(unit, VtdRegister.RTADDR, 0x0010_0000);
        Command(unit, GlobalCommand.SRTP);
        Command(unit, GlobalCommand.TE);

        Assert.Equal((uint)(GlobalStatus.RTPS | GlobalStatus.TES), Read32(unit, VtdRegister.GSTS));
        Assert.True(unit.TranslationEnabled);
    }

    [Fact]
    public void Write_GCMD_TeBeforeSrtp_EnablesWithResetRootTable()
    {
        RemappingUnit unit = NewUnit();
        Write64(unit, VtdRegister.RTADDR, 0x0010_0000);
        Command(unit, GlobalCommand.TE);

        Assert.Equal((uint)GlobalStatus.TES, Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0UL, unit.RootTableAddress);
        Assert.Equal(TranslationTableMode.Legacy, unit.RootTableMode);
    }

    [Fact]
    public void Write_GCMD_TwoBitsInOneWrite_BothProcessed()
    {
        RemappingUnit unit = NewUnit();
        Write64(unit, VtdRegister.RTADDR, 0x0020_0000);
        Write32(unit, VtdRegister.GCMD, (uint)(GlobalCommand.SRTP | GlobalCommand.TE));

        Assert.Equal((uint)(GlobalStatus.RTPS | GlobalStatus.TES), Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0x0020_0000UL, unit.RootTableAddress);
    }

    [Fact]
    public void Write_GCMD_ClearTE_ClearsTES_KeepsOtherEnables()
    {
        RemappingUnit unit = NewUnit();
        Command(unit, GlobalCommand.QIE);
        Command(unit, GlobalCommand.TE);
        Command(unit, GlobalCommand.TE, set: false);

        Assert.Equal((uint)GlobalStatus.QIES, Read32(unit, VtdRegister.GSTS));
        Assert.False(unit.TranslationEnabled);
        Assert.True(unit.QueuedInvalidationEnabled);
    }

    [Fact]
    public void Write_GCMD_QIE_EnableAndDisable_ResetIQH()
    {
        RemappingUnit unit = NewUnit();
        Command(unit, GlobalCommand.QIE);
        unit.SetRegister64(VtdRegister.IQH, 0x40); // as the queue code would after fetching four descriptors
        Command(unit, GlobalCommand.QIE, set: false);

        Assert.False(unit.QueuedInvalidationEnabled);
        Assert.Equal(0UL, Read64(unit, VtdRegister.IQH));
    }

    [Fact]
    public void Write_GCMD_UnsupportedCommands_LeaveStatusClear()
    {
        // No QI, no IR, no AFL, no RWBF: QIE/IRE/SIRTP/CFI/EAFL/SFL/WBF change nothing.
        RemappingUnit unit = NewUnit(Custom(new CapabilityBuilder { FRO = 0x22 }, new ExtendedCapabilityBuilder { IRO = 0x0F }));
        Write32(unit, VtdRegister.GCMD, (uint)(GlobalCommand.QIE | GlobalCommand.IRE | GlobalCommand.SIRTP | GlobalCommand.CFI
            | GlobalCommand.EAFL | GlobalCommand.SFL | GlobalCommand.WBF));
        Assert.Equal(0u, Read32(unit, VtdRegister.GSTS));
    }

    [Fact]
    public void Write_GCMD_InterruptRemappingCommands_SetTheirStatus()
    {
        RemappingUnit unit = NewUnit("broadwell");
        Write64(unit, VtdRegister.IRTA, 0x0030_0000 | (1UL << 11) | 0xF);
        Command(unit, GlobalCommand.SIRTP);
        Command(unit, GlobalCommand.IRE);
        Command(unit, GlobalCommand.CFI);

        Assert.Equal((uint)(GlobalStatus.IRTPS | GlobalStatus.IRES | GlobalStatus.CFIS), Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0x0030_080FUL, unit.InterruptRemapTable);
        Assert.True(unit.InterruptRemappingEnabled);
    }

    [Fact]
    public void Write_GCMD_AdvancedFaultLogging_WithAFL_SetsFLSAndAFLS()
    {
        RemappingUnit unit = NewUnit(Custom(new CapabilityBuilder { AFL = true, FRO = 0x22 }, new ExtendedCapabilityBuilder { IRO = 0x0F }));
        Write64(unit, VtdRegister.AFLOG, 0x0040_0000 | (2 << 9));
        Command(unit, GlobalCommand.SFL);
        Command(unit, GlobalCommand.EAFL);

        Assert.Equal((uint)(GlobalStatus.FLS | GlobalStatus.AFLS), Read32(unit, VtdRegister.GSTS));
        Assert.Equal(0x0040_0400UL, unit.FaultLog);
    }

    [Fact]
    public void Write_GCMD_WBF_WithRWBF_CompletesWithWBFSClear()
    {
        RemappingUnit unit = NewUnit(Custom(new CapabilityBuilder { RWBF = true, FRO = 0x22 }, new ExtendedCapabilityBuilder { IRO = 0x0F }));
        Command(unit, GlobalCommand.TE);
        Command(unit, GlobalCommand.WBF);
        Assert.Equal((uint)GlobalStatus.TES, Read32(unit, VtdRegister.GSTS));
    }
}
