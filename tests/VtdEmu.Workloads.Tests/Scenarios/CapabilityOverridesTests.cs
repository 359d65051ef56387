using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed class CapabilityOverridesTests
{
    [Theory]
    [InlineData(0x0800_0000_0000_0000ul, 0ul, "CAP.PI (bit 59) is not supported by the model")]
    [InlineData(0x0000_0000_0000_0C00ul, 0x0000_0000_0000_0600ul, "CAP.SAGAW (bits 12:8) is not supported by the model")]
    [InlineData(0x0000_0000_0000_2081ul, 0x1ul, "CAP.CM (bit 7), CAP reserved bit 13 are not supported by the model")]
    [InlineData(0x00D2_008C_2226_0206ul, ulong.MaxValue, null)]
    public void CheckHonoured_NamesEachRefusedField(ulong requested, ulong honoured, string? expected)
    {
        Assert.Equal(expected, CapabilityOverrides.CheckHonoured("CAP", CapabilityFields.All, requested, honoured));
    }
}
