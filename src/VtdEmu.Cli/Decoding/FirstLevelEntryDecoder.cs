using VtdEmu.Tables;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes a first-level paging entry (VT-d spec §9.7, spec-notes/first-level.md) field by field, using
/// <see cref="FirstLevelPagingEntry"/>'s accessors. Reserved bits depend on the level, PS, HAW and CAP.FL1GP, so
/// they are not judged here.
/// </summary>
internal static class FirstLevelEntryDecoder
{
    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var entry = new FirstLevelPagingEntry(value);
        return
        [
            FieldRows.Flag("P", 0, entry.Present, "present"),
            FieldRows.Flag("R/W", 1, entry.ReadWrite, "writes allowed"),
            FieldRows.Flag("U/S", 2, entry.User, entry.User ? "user-mode requests allowed" : "supervisor only"),
            FieldRows.Flag("PWT", 3, entry.PWT, "page-level write-through"),
            FieldRows.Flag("PCD", 4, entry.PCD, "page-level cache disable"),
            FieldRows.Flag("A", 5, entry.Accessed, "accessed (set by the unit)"),
            FieldRows.Flag("D", 6, entry.Dirty, "dirty (leaf; set by the unit on a write)"),
            FieldRows.Flag("PS", 7, entry.PS, entry.PS ? "page size: leaf (2 MiB in a PDE, 1 GiB in a PDPE)" : "page size: points to a table (or a PTE)"),
            new("ADDR", 51, 12, entry.ADDR >> 12, $"next table or page at 0x{entry.ADDR:x}"),
            FieldRows.Flag("XD", 63, entry.XD, "execute disable"),
        ];
    }
}
