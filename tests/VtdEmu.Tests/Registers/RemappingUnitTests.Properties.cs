using CsCheck;
using VtdEmu.Registers;

namespace VtdEmu.Tests;

public sealed partial class RemappingUnitTests
{
    // Offsets mostly dword-aligned inside (and just past) the block, sometimes misaligned; sizes 1/2/4/8.
    private static readonly Gen<(ulong Offset, int Size, ulong Value, bool IsWrite)> s_access =
        Gen.Select(
            Gen.Int[0, 0x1010 / 4],
            Gen.Int[-4, 3].Select(s => Math.Max(s, 0)),
            Gen.Int[0, 5].Select(i => i switch { 0 => 1, 1 => 2, 2 or 3 => 4, _ => 8 }),
            Gen.ULong,
            Gen.Bool,
            (dword, skew, size, value, isWrite) => ((ulong)((dword * 4) + skew), size, value, isWrite));

    // Rows with no hardware-owned bits and reset 0: whatever the guest writes, only the writable bits can read back as 1.
    private static readonly VtdRegister[] s_guestOwned =
    [
        VtdRegister.RTADDR, VtdRegister.FEDATA, VtdRegister.FEADDR, VtdRegister.FEUADDR, VtdRegister.AFLOG,
        VtdRegister.PLMBASE, VtdRegister.PLMLIMIT, VtdRegister.PHMBASE, VtdRegister.PHMLIMIT, VtdRegister.IQT,
        VtdRegister.IQA, VtdRegister.IEDATA, VtdRegister.IEADDR, VtdRegister.IEUADDR, VtdRegister.IRTA,
    ];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Access_RandomOffsetsSizesValues_NeverThrow_InvariantsHold(string preset)
    {
        UnitConfiguration configuration = UnitConfiguration.FindPreset(preset)!;
        RegisterRow[] rows = RegisterLayout.Build(configuration);
        s_access.Array[1, 200].Sample(accesses =>
        {
            RemappingUnit unit = NewUnit(configuration);
            foreach ((ulong offset, int size, ulong value, bool isWrite) in accesses)
            {
                if (isWrite)
                {
                    unit.Write(offset, size, value);
                }
                else
                {
                    unit.Read(offset, size);
                }
            }

            return InvariantsHold(unit, configuration, rows);
        });
    }

    private static bool InvariantsHold(RemappingUnit unit, UnitConfiguration configuration, RegisterRow[] rows)
    {
        // RO identity registers unchanged; GCMD and IVA (WO) read 0.
        if (Read32(unit, VtdRegister.VER) != configuration.Version
            || Read64(unit, VtdRegister.CAP) != configuration.Capability.Value
            || Read64(unit, VtdRegister.ECAP) != configuration.ExtendedCapability.Value
            || Read32(unit, VtdRegister.GCMD) != 0
            || unit.Read((ulong)configuration.ExtendedCapability.IotlbRegisterOffset, 8) != 0)
        {
            return false;
        }

        // Gaps read 0.
        var covered = new bool[unit.Length / 4];
        foreach (RegisterRow row in rows)
        {
            for (int d = 0; d < row.Width / 4; d++)
            {
                covered[(row.Offset / 4) + d] = true;
            }
        }

        for (int d = 0; d < covered.Length; d++)
        {
            if (!covered[d] && unit.Read((ulong)d * 4, 4) != 0)
            {
                return false;
            }
        }

        // Reserved fields of guest-owned registers still 0.
        foreach (RegisterRow row in rows)
        {
            if (Array.IndexOf(s_guestOwned, (VtdRegister)row.Offset) >= 0 && (unit.Read((ulong)row.Offset, row.Width) & ~row.RwMask) != 0)
            {
                return false;
            }
        }

        // GSTS shows only completed commands the unit supports; WBFS is never left set.
        GlobalStatus supported = GlobalStatus.TES | GlobalStatus.RTPS;
        if (configuration.ExtendedCapability.QI)
        {
            supported |= GlobalStatus.QIES;
        }

        if (configuration.ExtendedCapability.IR)
        {
            supported |= GlobalStatus.IRES | GlobalStatus.IRTPS | GlobalStatus.CFIS;
        }

        var status = (GlobalStatus)Read32(unit, VtdRegister.GSTS);
        bool queueHeadZeroWhenDisabled = (status & GlobalStatus.QIES) != 0 || Read64(unit, VtdRegister.IQH) == 0;
        return (status & ~supported) == 0 && queueHeadZeroWhenDisabled;
    }
}
