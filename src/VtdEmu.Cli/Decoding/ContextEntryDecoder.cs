using VtdEmu.Memory;

using VtdEmu.Tables;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes a legacy-mode context entry (VT-d spec §9.3) field by field from its two 64-bit words,
/// using <see cref="ContextEntry"/>'s accessors. Bit numbers are absolute (0-127).
/// </summary>
internal static class ContextEntryDecoder
{
    /// <summary>Reserved bits of the low word: 11:4.</summary>
    public const ulong ReservedLowMask = 0x0000_0000_0000_0FF0;

    /// <summary>Reserved bits of the high word: 71 and 127:88 (bit 64 + n of the entry is bit n here).</summary>
    public const ulong ReservedHighMask = 0xFFFF_FFFF_FF00_0080;

    public static IReadOnlyList<RegisterFieldRow> Decode(ulong low, ulong high)
    {
        var entry = new ContextEntry(low, high);
        List<RegisterFieldRow> rows =
        [
            FieldRows.Flag("P", 0, entry.Present, "present"),
            FieldRows.Flag("FPD", 1, entry.FPD, "fault processing disable"),
            new("TT", 3, 2, (ulong)entry.TT, entry.TT switch
            {
                TranslationType.UntranslatedOnly => "untranslated requests only",
                TranslationType.AllRequests => "untranslated, translation and translated requests (device-TLB)",
                TranslationType.PassThrough => "pass-through",
                _ => "reserved encoding",
            }),
            new("SLPTPTR", 63, 12, entry.SLPTPTR >> 12, $"second-level table at 0x{entry.SLPTPTR:x}"),
            new("AW", 66, 64, (ulong)entry.AW, entry.AW is >= 1 and <= 3 ? $"{PageGeometry.InputWidth(entry.AW + 2)}-bit, {entry.AW + 2}-level" : "reserved encoding"),
            new("AVAIL", 70, 67, (ulong)entry.AVAIL, "available to software (ignored)"),
            new("DID", 87, 72, entry.DID, $"domain {entry.DID}"),
        ];
        if (FieldRows.Reserved(low, ReservedLowMask) is { } reservedLow)
        {
            rows.Add(reservedLow with { Field = "reserved (63:0)" });
        }

        if (FieldRows.Reserved(high, ReservedHighMask) is { } reservedHigh)
        {
            rows.Add(reservedHigh with { Field = "reserved (127:64)", Msb = 127, Lsb = 64 });
        }

        return rows;
    }
}
