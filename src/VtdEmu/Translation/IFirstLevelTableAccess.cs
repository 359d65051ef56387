using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>
/// How the first-level walker reaches guest memory: directly (PGTT 001, the tables and the output are host physical)
/// or through the second level (PGTT 011, nested: spec-notes/nested.md). Implemented by structs and used as a generic
/// constraint, so the walker is specialised per implementation with no interface call per level.
/// </summary>
internal interface IFirstLevelTableAccess
{
    /// <summary>The host address of the first-level table at <paramref name="table"/>, read by the walk; <paramref name="root"/> for FLPTPTR's table.</summary>
    FaultReason LocateTable(ulong table, bool root, out ulong hostTable);

    /// <summary>The host address of the first-level entry at <paramref name="slot"/> for its A/D write (only asked when a bit must be set).</summary>
    FaultReason LocateForUpdate(ulong slot, out ulong hostSlot);

    /// <summary>
    /// The walk's output <paramref name="output"/> for <paramref name="access"/>: its host address, the largest page
    /// shift the mapping allows, the rights it grants (R and W as in a paging entry) and whether an IOTLB entry may hold
    /// W (nested with SLADE: only once the second-level leaf's D is set). Includes the interrupt-range check of the
    /// final address.
    /// </summary>
    FaultReason LocateOutput(ulong output, DmaAccess access, out ulong hostOutput, out int pageShift, out DmaAccess rights, out bool cacheWrite);
}
