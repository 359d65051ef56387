using VtdEmu.Memory;

namespace VtdEmu.Tests.Reference;

/// <summary>
/// The accessed/dirty updates a translation that succeeded must make in second-level tables with SLADE (VT-d §3.8:
/// A in every entry used, D in the leaf of a write; spec-notes/translation.md §7), computed by re-reading the path
/// from the root. Independent of the walker: it returns the expected (entry address, new value) pairs instead of
/// making them.
/// </summary>
internal static class ReferenceAccessedDirty
{
    public static List<(ulong Address, ulong Value)> SecondLevel(GuestMemory memory, ulong root, int levels, ulong iova, bool write)
    {
        List<(ulong, ulong)> updates = [];
        ulong table = root;
        for (int level = levels; level >= 1; level--)
        {
            ulong at = table + (((iova >> (12 + (9 * (level - 1)))) & 511) * 8);
            Assert.True(memory.TryRead64(at, out ulong entry));
            bool leaf = level == 1 || (entry & 0x80) != 0;
            ulong want = entry | 0x100 | (leaf && write ? 0x200UL : 0);
            if (want != entry)
            {
                updates.Add((at, want));
            }

            if (leaf)
            {
                break;
            }

            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        return updates;
    }
}
