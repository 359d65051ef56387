using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class CapabilityBuilderTests
{
    // Raw CAP values as QEMU 7.2 and Linux dmesg report them (spec-notes/registers.md, "Presets").
    public static TheoryData<string, ulong> PresetCapabilities => new()
    {
        { "qemu", 0x00d2008c22260206 },
        { "qemu-sm", 0x00d2008c22260206 },
        { "broadwell", 0x08d2078c106f0466 },
        { "sapphire-rapids", 0x19ed008c40780c66 },
    };

    [Theory]
    [MemberData(nameof(PresetCapabilities))]
    public void Build_Preset_ReproducesRawValue(string preset, ulong expected)
    {
        Assert.Equal(expected, UnitConfiguration.FindPreset(preset)!.Capability.Value);
    }

    [Fact]
    public void Build_EachField_LandsAtItsSpecBits()
    {
        Assert.Equal(0x7UL, new CapabilityBuilder { ND = 7 }.Build().Value);
        Assert.Equal(1UL << 4, new CapabilityBuilder { RWBF = true }.Build().Value);
        Assert.Equal(0x1FUL << 8, new CapabilityBuilder { SAGAW = 0x1F }.Build().Value);
        Assert.Equal(0x3FUL << 16, new CapabilityBuilder { MGAW = 0x3F }.Build().Value);
        Assert.Equal(0x3FFUL << 24, new CapabilityBuilder { FRO = 0x3FF }.Build().Value);
        Assert.Equal(0xFFUL << 40, new CapabilityBuilder { NFR = 0xFF }.Build().Value);
        Assert.Equal(0x3FUL << 48, new CapabilityBuilder { MAMV = 0x3F }.Build().Value);
        Assert.Equal(1UL << 63, new CapabilityBuilder { ESRTPS = true }.Build().Value);
    }

    [Fact]
    public void Build_FieldWiderThanItsBits_IsTruncated()
    {
        Assert.Equal(0x2UL, new CapabilityBuilder { ND = 0xA }.Build().Value);
    }

    [Fact]
    public void Build_RoundTripsThroughCapabilityRegisterAccessors()
    {
        CapabilityRegister cap = UnitConfiguration.Broadwell.Capability;
        Assert.Equal(8, cap.FaultRecordingCount);
        Assert.Equal(0x100, cap.FaultRecordingOffset);
        Assert.Equal(18, cap.MAMV);
        Assert.True(cap.PSI);
        Assert.True(cap.SupportsAgaw(2));
        Assert.False(cap.SupportsAgaw(1));
    }
}
