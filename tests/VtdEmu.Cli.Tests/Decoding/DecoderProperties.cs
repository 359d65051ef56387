using VtdEmu.Cli.Decoding;

namespace VtdEmu.Cli.Tests.Decoding;

/// <summary>Checks shared by the CAP and ECAP decoder tests.</summary>
internal static class DecoderProperties
{
    /// <summary>Puts every row's value back at its bit position; reserved bits are already in place.</summary>
    public static ulong Reassemble(IReadOnlyList<RegisterFieldRow> rows)
    {
        ulong value = 0;
        foreach (RegisterFieldRow row in rows)
        {
            int width = row.Msb - row.Lsb + 1;
            ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            Assert.True(row.Raw <= mask, $"{row.Field} = 0x{row.Raw:x} does not fit in {row.Bits}");
            value |= row.Field == "reserved" ? row.Raw : row.Raw << row.Lsb;
        }

        return value;
    }

    /// <summary>The union of the named fields' bit ranges; fails if two overlap.</summary>
    public static ulong CoveredBits(IReadOnlyList<RegisterFieldRow> rows)
    {
        ulong covered = 0;
        foreach (RegisterFieldRow row in rows)
        {
            int width = row.Msb - row.Lsb + 1;
            ulong bits = (width == 64 ? ulong.MaxValue : (1UL << width) - 1) << row.Lsb;
            Assert.True((covered & bits) == 0, $"{row.Field} overlaps another field");
            covered |= bits;
        }

        return covered;
    }
}
