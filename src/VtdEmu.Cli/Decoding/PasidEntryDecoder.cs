using VtdEmu.Memory;

using VtdEmu.Tables;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes a scalable-mode PASID-table entry (VT-d spec §9.6; spec-notes/tables.md, first-level.md, nested.md) field
/// by field from its eight 64-bit words, using <see cref="PasidEntry"/>'s accessors. Bit numbers are absolute (0-511).
/// Fields whose reservation depends on ECAP (SLADE, PWSNP, PGSNP, SRE, ERE, EAFE, the memory-type fields) are shown as
/// fields; only the bits reserved whatever the capabilities are reported as reserved.
/// </summary>
internal static class PasidEntryDecoder
{
    /// <summary>Bits reserved in every entry, per word: 11:10; 86:80; 139:136; 511:192.</summary>
    private static readonly ulong[] s_reserved =
    [
        0x0000_0000_0000_0C00,
        0x0000_0000_007F_0000,
        0x0000_0000_0000_0F00,
        ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue,
    ];

    public static IReadOnlyList<RegisterFieldRow> Decode(ReadOnlySpan<ulong> words)
    {
        var entry = new PasidEntry(words);
        List<RegisterFieldRow> rows =
        [
            FieldRows.Flag("P", 0, entry.Present, "present"),
            FieldRows.Flag("FPD", 1, entry.FPD, "fault processing disable"),
            new("AW", 4, 2, (ulong)entry.AW, entry.AW is >= 1 and <= 3 ? $"second level {PageGeometry.InputWidth(entry.AW + 2)}-bit, {entry.AW + 2}-level" : "reserved encoding"),
            FieldRows.Flag("SLEE", 5, entry.SLEE, "second-level execute enable"),
            new("PGTT", 8, 6, (ulong)entry.PGTT, entry.PGTT switch
            {
                PasidGranularTranslationType.FirstLevel => "first-level translation",
                PasidGranularTranslationType.SecondLevel => "second-level translation",
                PasidGranularTranslationType.Nested => "nested translation (first level over second level)",
                PasidGranularTranslationType.PassThrough => "pass-through",
                _ => "reserved encoding",
            }),
            FieldRows.Flag("SLADE", 9, entry.SLADE, "second-level accessed/dirty enable (needs ECAP.SLADS)"),
            new("SLPTPTR", 63, 12, entry.SLPTPTR >> 12, $"second-level table at 0x{entry.SLPTPTR:x}"),
            new("DID", 79, 64, entry.DID, $"domain {entry.DID}"),
            FieldRows.Flag("PWSNP", 87, entry.PWSNP, "page-walk snoop"),
            FieldRows.Flag("PGSNP", 88, entry.PGSNP, "page snoop"),
            FieldRows.Flag("CD", 89, entry.CD, "cache disable"),
            FieldRows.Flag("EMTE", 90, entry.EMTE, "extended memory type enable"),
            new("EMT", 93, 91, (ulong)entry.EMT, "extended memory type"),
            FieldRows.Flag("PWT", 94, entry.PWT, "page-level write-through"),
            FieldRows.Flag("PCD", 95, entry.PCD, "page-level cache disable"),
            new("PAT", 127, 96, entry.PAT, "page attribute table"),
            FieldRows.Flag("SRE", 128, entry.SRE, "supervisor requests enable"),
            FieldRows.Flag("ERE", 129, entry.ERE, "execute requests enable"),
            new("FLPM", 131, 130, (ulong)entry.FLPM, entry.FLPM switch { 0 => "first level 4-level (48-bit)", 1 => "first level 5-level (57-bit, needs CAP.FL5LP)", _ => "reserved encoding" }),
            FieldRows.Flag("WPE", 132, entry.WPE, "write protect enable (supervisor writes honour R/W)"),
            FieldRows.Flag("EAFE", 135, entry.EAFE, "extended accessed flag enable"),
            new("FLPTPTR", 191, 140, entry.FLPTPTR >> 12, $"first-level table at 0x{entry.FLPTPTR:x}"),
        ];
        for (int i = 0; i < PasidEntry.WordCount; i++)
        {
            if (FieldRows.Reserved(entry.Word(i), s_reserved[i]) is { } reserved)
            {
                rows.Add(reserved with { Field = $"reserved ({(64 * i) + 63}:{64 * i})", Msb = (64 * i) + 63, Lsb = 64 * i, Meaning = reserved.Meaning.Replace("bits set:", $"bits set (of word {i}):", StringComparison.Ordinal) });
            }
        }

        return rows;
    }
}
