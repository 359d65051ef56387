using VtdEmu.Memory;

namespace VtdEmu.Translation;

/// <summary>
/// The accessed/dirty update the walkers make on a paging entry (VT-d spec §3.8; spec-notes/first-level.md §4 and
/// spec-notes/translation.md, second-level A/D): the bits are ORed into whatever the entry holds at that moment by
/// compare-and-exchange on guest memory, so a racing CPU store is never lost, and an entry whose bits are already
/// set is not written.
/// </summary>
internal static class PagingEntryUpdate
{
    // A compare-and-exchange retried this often without success (a CPU rewriting the entry without pause)
    // gives up with an access error instead of spinning.
    private const int MaxAttempts = 64;

    /// <summary>ORs <paramref name="bits"/> into the entry at <paramref name="slot"/>; false when the entry cannot be read or written.</summary>
    public static bool TrySetBits(GuestMemory memory, ulong slot, ulong bits, out ulong now)
    {
        if (!memory.TryRead64(slot, out now))
        {
            return false;
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if ((now & bits) == bits)
            {
                return true;
            }

            if (!memory.TryCompareExchange64(slot, now | bits, now, out ulong found))
            {
                return false;
            }

            if (found == now)
            {
                now |= bits;
                return true;
            }

            now = found;
        }

        return false;
    }
}
