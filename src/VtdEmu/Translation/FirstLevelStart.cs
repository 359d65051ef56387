using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// Where a first-level walk begins: at the root (the PASID entry's FLPTPTR, nothing accumulated) or below a
/// first-level paging-structure-cache hit, with the table that entry points at, the level of that table, and the
/// U/S and R/W bits ANDed and the XD bits ORed over the entries above it (VT-d spec §6.2.4; spec-notes/first-level.md §6).
/// </summary>
internal readonly record struct FirstLevelStart(ulong Table, int Level, bool User, bool Writable, bool ExecuteDisabled)
{
    /// <summary>A walk from the root table of a <paramref name="levels"/>-level hierarchy.</summary>
    public static FirstLevelStart FromRoot(ulong root, int levels) => new(root, levels, User: true, Writable: true, ExecuteDisabled: false);

    /// <summary>
    /// A walk below a cached entry at <paramref name="cachedLevel"/> whose <paramref name="data"/> is what the walker
    /// recorded for it: the next table's address with U/S (bit 2), R/W (bit 1) and XD (bit 63) accumulated.
    /// </summary>
    public static FirstLevelStart Below(int cachedLevel, ulong data) => new(
        data & PageGeometry.EntryAddressMask, cachedLevel - 1,
        User: (data & FirstLevelPagingEntry.UserBit) != 0,
        Writable: (data & FirstLevelPagingEntry.ReadWriteBit) != 0,
        ExecuteDisabled: (data & FirstLevelPagingEntry.ExecuteDisableBit) != 0);
}
