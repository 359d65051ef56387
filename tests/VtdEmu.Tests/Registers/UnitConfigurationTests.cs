using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class UnitConfigurationTests
{
    public static TheoryData<string, byte, int> PresetVersionAndWidth => new()
    {
        { "qemu", 0x10, 39 },
        { "qemu-sm", 0x10, 39 },
        { "broadwell", 0x10, 46 },
        { "sapphire-rapids", 0x60, 52 },
    };

    [Theory]
    [MemberData(nameof(PresetVersionAndWidth))]
    public void FindPreset_Name_HasVersionAndHostAddressWidth(string name, byte version, int haw)
    {
        UnitConfiguration preset = UnitConfiguration.FindPreset(name)!;
        Assert.Equal(version, preset.Version);
        Assert.Equal(haw, preset.HostAddressWidth);
    }

    [Fact]
    public void FindPreset_UnknownName_ReturnsNull()
    {
        Assert.Null(UnitConfiguration.FindPreset("skylake"));
    }

    [Fact]
    public void SapphireRapids_ModernServerFeatures_Present()
    {
        CapabilityRegister cap = UnitConfiguration.SapphireRapids.Capability;
        Assert.True(cap.SupportsAgaw(3)); // 57-bit, 5-level second stage
        Assert.True(cap.FL5LP);
        Assert.True(cap.FL1GP);
        Assert.Equal(0b11, cap.SLLPS);
        Assert.True(cap.PSI);
    }
}
