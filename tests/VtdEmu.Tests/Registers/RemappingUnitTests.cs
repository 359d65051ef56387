using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tests.Registers;

namespace VtdEmu.Tests;

/// <summary>Black-box tests of <see cref="RemappingUnit"/> through its MMIO interface (partial: topics in other files).</summary>
public sealed partial class RemappingUnitTests
{
    // The value software writes to GCMD to change one bit: GSTS with the one-shot bits (SRTP, SFL, WBF, SIRTP) cleared.
    private const uint PersistentStatusMask = 0x96FF_FFFF;

    private readonly RecordingInterruptSink _sink = new();

    public static TheoryData<string> PresetNames => ["qemu", "qemu-sm", "broadwell", "sapphire-rapids"];

    private RemappingUnit NewUnit(UnitConfiguration configuration) =>
        new(new GuestMemory(new MemoryRange(0, 1UL << 30)), configuration, _sink);

    private RemappingUnit NewUnit(string preset = "qemu") => NewUnit(UnitConfiguration.FindPreset(preset)!);

    private static uint Read32(RemappingUnit unit, VtdRegister register) => (uint)unit.Read((ulong)register, 4);

    private static ulong Read64(RemappingUnit unit, VtdRegister register) => unit.Read((ulong)register, 8);

    private static void Write32(RemappingUnit unit, VtdRegister register, uint value) => unit.Write((ulong)register, 4, value);

    private static void Write64(RemappingUnit unit, VtdRegister register, ulong value) => unit.Write((ulong)register, 8, value);

    // Sets or clears one GCMD bit the way the spec tells software to: from GSTS.
    private static void Command(RemappingUnit unit, GlobalCommand bit, bool set = true)
    {
        uint status = Read32(unit, VtdRegister.GSTS) & PersistentStatusMask;
        Write32(unit, VtdRegister.GCMD, set ? status | (uint)bit : status & ~(uint)bit);
    }

    private static UnitConfiguration Custom(CapabilityBuilder cap, ExtendedCapabilityBuilder ecap, int haw = 39) =>
        new("custom", 0x10, cap.Build(), ecap.Build(), haw, CompressSameSourceFaults: false);
}
