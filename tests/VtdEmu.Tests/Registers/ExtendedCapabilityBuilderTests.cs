using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class ExtendedCapabilityBuilderTests
{
    // Raw ECAP values as QEMU 7.2 and Linux dmesg report them (spec-notes/registers.md, "Presets").
    public static TheoryData<string, ulong> PresetExtendedCapabilities => new()
    {
        { "qemu", 0x0000000000f00f4a },
        { "qemu-sm", 0x0000480080f00f4a },
        { "qemu-sm-prs", 0x00008800a0f00f4e },
        { "broadwell", 0x0000000000f020df },
        { "sapphire-rapids", 0x0003ee9e86f050df },
    };

    [Theory]
    [MemberData(nameof(PresetExtendedCapabilities))]
    public void Build_Preset_ReproducesRawValue(string preset, ulong expected)
    {
        Assert.Equal(expected, UnitConfiguration.FindPreset(preset)!.ExtendedCapability.Value);
    }

    [Fact]
    public void Build_EachField_LandsAtItsSpecBits()
    {
        Assert.Equal(0x3FFUL << 8, new ExtendedCapabilityBuilder { IRO = 0x3FF }.Build().Value);
        Assert.Equal(0xFUL << 20, new ExtendedCapabilityBuilder { MHMV = 0xF }.Build().Value);
        Assert.Equal(0x1FUL << 35, new ExtendedCapabilityBuilder { PSS = 0x1F }.Build().Value);
        Assert.Equal(1UL << 43, new ExtendedCapabilityBuilder { SMTS = true }.Build().Value);
        Assert.Equal(1UL << 52, new ExtendedCapabilityBuilder { ADMS = true }.Build().Value);
        Assert.Equal(1UL << 53, new ExtendedCapabilityBuilder { RPRIVS = true }.Build().Value);
    }

    [Fact]
    public void Build_SapphireRapids_DecodesToScalableModeFeatures()
    {
        ExtendedCapabilityRegister ecap = UnitConfiguration.SapphireRapids.ExtendedCapability;
        Assert.True(ecap.SMTS);
        Assert.True(ecap.FLTS);
        Assert.True(ecap.SLTS);
        Assert.Equal(0x500, ecap.IotlbRegisterOffset);
        Assert.Equal(19, ecap.PSS);
    }
}
