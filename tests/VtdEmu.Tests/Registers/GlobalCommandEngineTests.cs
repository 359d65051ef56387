using VtdEmu.Registers;
using VtdEmu.Tests.Builders;

namespace VtdEmu.Tests.Registers;

/// <summary>The <see cref="GlobalCommandEngine"/> component on its own (VT-d spec §11.4.4–§11.4.5).</summary>
public sealed class GlobalCommandEngineTests
{
    private readonly ComponentRig _rig = new(UnitConfiguration.Broadwell);

    [Fact]
    public void Completed_SeesCommandAndStatusBeforeAndAfter_OncePerWrite()
    {
        var outcomes = new List<GlobalCommandOutcome>();
        _rig.Commands.Completed += outcomes.Add;

        _rig.Write(VtdRegister.GCMD, 4, (uint)(GlobalCommand.SRTP | GlobalCommand.TE));
        _rig.Write(VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);

        Assert.Equal(2, outcomes.Count);
        Assert.Equal(GlobalStatus.None, outcomes[0].Before);
        Assert.Equal(GlobalStatus.RTPS | GlobalStatus.TES, outcomes[0].After);
        Assert.True(outcomes[0].Performed(GlobalCommand.SRTP, GlobalStatus.RTPS));
        Assert.True(outcomes[0].Enabled(GlobalStatus.TES));
        Assert.False(outcomes[1].Performed(GlobalCommand.SRTP, GlobalStatus.RTPS));
        Assert.False(outcomes[1].Changed(GlobalStatus.TES));
    }

    [Fact]
    public void Srtp_LatchesRtaddrAtTheCommand_LaterWritesDoNotMoveIt()
    {
        _rig.Write(VtdRegister.RTADDR, 8, 0x12_3000 | (1UL << 10));
        _rig.Write(VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        _rig.Write(VtdRegister.RTADDR, 8, 0x45_6000);

        Assert.Equal(0x12_3000UL, _rig.Commands.RootTableAddress);
        Assert.Equal(TranslationTableMode.Scalable, _rig.Commands.RootTableMode);

        _rig.Commands.Reset();
        Assert.Equal(0UL, _rig.Commands.RootTableAddress);
    }

    [Fact]
    public void EnableWithoutCapability_StatusStaysClear()
    {
        var noQi = UnitConfiguration.Broadwell with
        {
            ExtendedCapability = new ExtendedCapabilityRegister(UnitConfiguration.Broadwell.ExtendedCapability.Value & ~(1UL << 1)),
        };
        var rig = new ComponentRig(noQi);
        rig.Write(VtdRegister.GCMD, 4, (uint)(GlobalCommand.QIE | GlobalCommand.TE));
        Assert.Equal(GlobalStatus.TES, rig.Commands.Status);
    }

    [Fact]
    public void Pmen_PrsFollowsEpm()
    {
        _rig.Write(VtdRegister.PMEN, 4, 1u << 31);
        uint pmen = _rig.Read32(VtdRegister.PMEN);
        Assert.Equal((pmen >> 31) & 1, pmen & 1);
    }
}
