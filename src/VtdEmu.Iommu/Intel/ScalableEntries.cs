namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Scalable-mode context entries and PASID-directory entries as the driver writes them (VT-d spec §9.2
/// scalable-mode root entry, §9.4 scalable-mode context entry, §9.5 PASID-directory entry; spec-notes/tables.md).
/// </summary>
internal static class ScalableEntries
{
    // The scalable root entry's two words (LCTP|LP, UCTP|UP) have the legacy root entry's low-word shape (§9.2).

    /// <summary>RTADDR.TTM (11:10) = 01: the root table is a scalable-mode root table.</summary>
    public const ulong RtaddrScalable = 1UL << 10;

    /// <summary>Bytes per scalable-mode context entry (256 bits): a context table page holds 128 of them.</summary>
    public const int ContextEntrySize = 32;

    /// <summary>Bytes per PASID-directory entry.</summary>
    public const int DirectoryEntrySize = 8;

    /// <summary>PASIDs per PASID table (one 4 KiB page of 64-byte entries).</summary>
    public const int PasidsPerTable = 64;

    /// <summary>
    /// Context entry word 0 (Linux <c>context_entry_set_pasid_table</c>): PASIDDIRPTR (63:12) | PDTS (11:9) |
    /// PASIDE (3) | DTE (2) | FPD = 0 | P. Word 1 holds RID_PASID (83:64) = 0; words 2 and 3 are zero.
    /// </summary>
    public static ulong ContextLo(ulong directory, int pdts, bool pasidEnable, bool deviceTlb) =>
        (directory & LegacyEntries.AddressMask) | ((ulong)(pdts & 7) << 9) | (pasidEnable ? 1UL << 3 : 0)
        | (deviceTlb ? 1UL << 2 : 0) | LegacyEntries.Present;

    /// <summary>PASIDDIRPTR of a context entry's word 0.</summary>
    public static ulong ContextDirectory(ulong lo) => lo & LegacyEntries.AddressMask;

    /// <summary>PASID-directory entry: SMPTBLPTR (63:12) | FPD = 0 | P.</summary>
    public static ulong DirectoryEntry(ulong table) => (table & LegacyEntries.AddressMask) | LegacyEntries.Present;
}
