using VtdEmu.Memory;
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

    [Fact]
    public void TryFromRegisters_QemuValues_MatchThePreset()
    {
        UnitConfiguration qemu = UnitConfiguration.Qemu;

        Assert.True(UnitConfiguration.TryFromRegisters(
            qemu.Capability.Value, qemu.ExtendedCapability.Value, qemu.Version, hostAddressWidth: null, compressSameSourceFaults: true, "dump", out UnitConfiguration? built, out string error), error);

        Assert.Equal(qemu with { Name = "dump" }, built);
        Assert.Equal(39, built.HostAddressWidth); // CAP.MGAW + 1
    }

    [Fact]
    public void TryFromRegisters_CachingMode_ReachesTheCaches()
    {
        ulong cap = UnitConfiguration.Qemu.Capability.Value | (1UL << 7);

        Assert.True(UnitConfiguration.TryFromRegisters(cap, UnitConfiguration.Qemu.ExtendedCapability.Value, 0x10, 39, false, "cm", out UnitConfiguration? built, out _));
        var unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, 0x1000)), built);

        Assert.True(built.Capability.CM);
        Assert.True(unit.Caches.Iotlb.CachingMode);
        Assert.True(unit.Caches.ContextCache.CachingMode);
        Assert.Equal(cap, unit.Read((ulong)VtdRegister.CAP, 8));
    }

    public static TheoryData<ulong, ulong, int?> UnusableRegisters => new()
    {
        { 0x00d2_0000_0026_0206, 0xf0_0f4a, null },        // FRO = 0: FRCD0 over VER/CAP
        { 0x00d2_008c_2226_0206, 0xf0_000a, null },        // IRO = 0: IVA over VER
        { 0x00d2_008c_2226_0206, 0xf0_0f4a, 60 },          // HAW beyond 52
        { 0x00d2_008c_2226_0206, 0xf0_0f4a, 20 },          // HAW below 32
    };

    [Theory]
    [MemberData(nameof(UnusableRegisters))]
    public void TryFromRegisters_Unusable_ReturnsFalseWithReason(ulong cap, ulong ecap, int? haw)
    {
        Assert.False(UnitConfiguration.TryFromRegisters(cap, ecap, 0x10, haw, false, "bad", out UnitConfiguration? built, out string error));
        Assert.Null(built);
        Assert.NotEmpty(error);
    }
}
