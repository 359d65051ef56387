using VtdEmu.Tables;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes a second-level paging entry (VT-d spec §9.8) field by field, using
/// <see cref="SecondLevelPageTableEntry"/>'s accessors. Which bits are reserved depends on the level,
/// PS and the unit's capabilities, so they are not judged here.
/// </summary>
internal static class SecondLevelEntryDecoder
{
    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var entry = new SecondLevelPageTableEntry(value);
        return
        [
            FieldRows.Flag("R", 0, entry.Read, "read"),
            FieldRows.Flag("W", 1, entry.Write, "write"),
            FieldRows.Flag("X", 2, entry.Execute, "execute"),
            new("EMT", 5, 3, (ulong)entry.EMT, "extended memory type (leaf)"),
            FieldRows.Flag("IPAT", 6, entry.IPAT, "ignore PAT (leaf)"),
            FieldRows.Flag("PS", 7, entry.PS, entry.PS ? "page size: leaf (2 MiB in an SL-PDE, 1 GiB in an SL-PDPE)" : "page size: points to a table (or an SL-PTE)"),
            FieldRows.Flag("A", 8, entry.Accessed, "accessed"),
            FieldRows.Flag("D", 9, entry.Dirty, "dirty (leaf)"),
            FieldRows.Flag("SNP", 11, entry.SNP, "snoop (leaf, with ECAP.SC)"),
            new("ADDR", 51, 12, entry.ADDR >> 12, $"next table or page at 0x{entry.ADDR:x}"),
            FieldRows.Flag("TM", 62, entry.TM, "transient mapping (leaf, with ECAP.DT)"),
        ];
    }
}
