using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

public sealed partial class SecondLevelWalker
{
    /// <summary>
    /// Second-level A/D (VT-d spec §3.8 with PASID-entry SLADE; spec-notes/translation.md §7): after a walk from
    /// <paramref name="start"/> that reached a leaf at <paramref name="leafLevel"/> and passed the leaf's checks,
    /// sets A in every entry it read, top first, and D in the leaf when <paramref name="write"/>, each by
    /// compare-and-exchange. Entries above <paramref name="start"/> (a paging-structure-cache hit) are not touched.
    /// Returns None, or SSL.4 / SSL.1 for the entry that could not be written (the fault its read would give);
    /// <paramref name="leaf"/> is the leaf as it is after the update.
    /// </summary>
    internal FaultReason SetAccessedDirty(ulong iova, in WalkStart start, ref WalkPath path, int leafLevel, bool write, out ulong leaf)
    {
        leaf = 0;
        ulong table = start.TableAddress;
        for (int level = start.Level; level >= leafLevel; level--)
        {
            ulong slot = table + (PageGeometry.Index(iova, level) * sizeof(ulong));
            bool isLeaf = level == leafLevel;
            ulong bits = SecondLevelPageTableEntry.AccessedBit | (isLeaf && write ? SecondLevelPageTableEntry.DirtyBit : 0);
            if (!PagingEntryUpdate.TrySetBits(_memory, slot, bits, out ulong now))
            {
                return level == start.RootLevel ? FaultReason.SecondLevelRootAccessError : FaultReason.SecondLevelEntryAccessError;
            }

            if (isLeaf)
            {
                leaf = now;
            }
            else
            {
                table = path[level] & AddressMask;
            }
        }

        return FaultReason.None;
    }
}
