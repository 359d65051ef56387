using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class RegisterSlotTests
{
    [Theory]
    [InlineData("qemu", "IOTLB", 0xF8)]
    [InlineData("qemu", "FRCD0_LO", 0x220)]
    [InlineData("broadwell", "FRCD7_HI", 0x178)]
    [InlineData("sapphire-rapids", "IVA", 0x500)]
    public void ListFor_Preset_PlacesIotlbAndFrcdFromCapEcap(string preset, string name, int offset)
    {
        IReadOnlyList<RegisterSlot> slots = RegisterSlot.ListFor(UnitConfiguration.FindPreset(preset)!);

        Assert.Equal(offset, Assert.Single(slots, s => s.Name == name).Offset);
    }

    [Fact]
    public void ListFor_EveryPreset_SortedWithoutOverlap()
    {
        foreach (UnitConfiguration preset in UnitConfiguration.Presets)
        {
            IReadOnlyList<RegisterSlot> slots = RegisterSlot.ListFor(preset);
            for (int i = 1; i < slots.Count; i++)
            {
                Assert.True(slots[i].Offset >= slots[i - 1].Offset + slots[i - 1].Width, $"{preset.Name}: {slots[i].Name}");
            }
        }
    }
}
