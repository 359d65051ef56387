using VtdEmu.Faults;

namespace VtdEmu.Tests.Faults;

public sealed class FaultReasonExtensionsTests
{
    [Theory]
    [InlineData(FaultReason.RootEntryNotPresent, false, "LRT.2")]
    [InlineData(FaultReason.ContextEntryNotPresent, true, "LCT.2")]
    [InlineData(FaultReason.ContextEntryInvalid, true, "LCT.4")]
    [InlineData(FaultReason.RootEntryAccessError, false, "LRT.1")]
    [InlineData(FaultReason.ContextEntryAccessError, false, "LCT.1")]
    [InlineData(FaultReason.RootEntryReserved, false, "LRT.3")]
    [InlineData(FaultReason.ContextEntryReserved, true, "LCT.3")] // QEMU does not qualify 0x0B; the spec does
    [InlineData(FaultReason.PagingEntryReserved, true, "LSL.2")]
    [InlineData(FaultReason.OutputInInterruptRange, true, "LGN.4")]
    [InlineData(FaultReason.InvalidTranslationTableMode, false, "RTA.1")]
    [InlineData(FaultReason.PasidRequestInLegacyMode, false, "RTA.2")]
    [InlineData(FaultReason.ScalableRootEntryReserved, false, "SRT.3")]
    [InlineData(FaultReason.ScalableContextEntryAccessError, false, "SCT.1")]
    [InlineData(FaultReason.ScalableContextEntryNotPresent, true, "SCT.2")]
    [InlineData(FaultReason.RidPasidInvalid, true, "SCT.9")]
    [InlineData(FaultReason.PasidDirectoryEntryAccessError, false, "SPD.1")]
    [InlineData(FaultReason.PasidDirectoryEntryNotPresent, true, "SPD.2")]
    [InlineData(FaultReason.PasidTableEntryAccessError, false, "SPT.1")]
    [InlineData(FaultReason.PasidTableEntryInvalid, true, "SPT.4")]
    [InlineData(FaultReason.SecondLevelEntryAccessError, true, "SSL.1")]
    [InlineData(FaultReason.SecondLevelRootAccessError, true, "SSL.4")]
    [InlineData(FaultReason.ScalableAddressBeyondHardware, true, "SGN.4")]
    [InlineData(FaultReason.ScalableOutputInInterruptRange, true, "SGN.8")]
    [InlineData(FaultReason.IrteNotPresent, true, "")]
    [InlineData(FaultReason.IrteAccessError, false, "")]
    [InlineData(FaultReason.None, false, "")]
    public void Extensions_KnownReason_MatchSpecTable(FaultReason reason, bool qualified, string condition)
    {
        Assert.Equal(qualified, reason.IsQualified());
        Assert.Equal(condition, reason.ConditionCode());
    }

    [Fact]
    public void ConditionCode_EveryDmaRemappingReason_IsNamed()
    {
        foreach (FaultReason reason in Enum.GetValues<FaultReason>())
        {
            bool interrupt = (byte)reason is >= 0x20 and < 0x30;
            Assert.True(reason == FaultReason.None || interrupt || reason.ConditionCode().Length > 0, reason.ToString());
        }
    }
}
