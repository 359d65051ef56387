using VtdEmu.Faults;
using VtdEmu.Memory;

namespace VtdEmu.Tests.Reference;

/// <summary>
/// A slow, obviously correct first-level translation written from the spec's description (§3.6, §3.8, §9.7;
/// spec-notes/first-level.md §2–§4), independent of <c>FirstLevelWalker</c>: it reads every entry of the path
/// first, then decides, and returns the accessed/dirty updates it expects instead of making them.
/// </summary>
internal static class ReferenceFirstLevelWalker
{
    /// <summary>The outcome: fault (None on success), output address and the (entry address, new value) updates.</summary>
    public readonly record struct Outcome(FaultReason Fault, ulong Output, IReadOnlyList<(ulong Address, ulong Value)> Updates);

    public static Outcome Translate(GuestMemory memory, ulong root, int levels, int haw, bool oneGiB, ulong address, bool write, bool privileged, bool execute, bool wpe)
    {
        int width = 12 + (9 * levels);
        long signed = unchecked((long)address);
        long extended = (signed << (64 - width)) >> (64 - width);
        if (signed != extended)
        {
            return new Outcome(FaultReason.NonCanonicalAddress, 0, []);
        }

        List<(ulong Address, ulong Value, int Level)> path = [];
        ulong table = root;
        for (int level = levels; level >= 1; level--)
        {
            ulong at = table + (((address >> (12 + (9 * (level - 1)))) & 511) * 8);
            if (!memory.TryRead64(at, out ulong e))
            {
                return new Outcome(level == levels ? FaultReason.FirstLevelRootAccessError : FaultReason.FirstLevelEntryAccessError, 0, []);
            }

            if ((e & 1) == 0)
            {
                return new Outcome(FaultReason.FirstLevelEntryNotPresent, 0, []);
            }

            bool ps = (e & 0x80) != 0;
            bool psReserved = level >= 4 || (level == 3 && !oneGiB);
            bool leaf = level == 1 || (ps && !psReserved);
            bool reserved = (e & 0x000F_FFFF_FFFF_F000 & ~((1UL << haw) - 1)) != 0
                || (ps && psReserved)
                || (leaf && level == 2 && (e & 0x1F_E000) != 0)
                || (leaf && level == 3 && (e & 0x3FFF_E000) != 0);
            if (reserved)
            {
                return new Outcome(FaultReason.FirstLevelEntryReserved, 0, []);
            }

            path.Add((at, e, level));
            if (leaf)
            {
                break;
            }

            table = e & 0x000F_FFFF_FFFF_F000;
        }

        bool user = path.TrueForAll(p => (p.Value & 4) != 0);
        bool rw = path.TrueForAll(p => (p.Value & 2) != 0);
        bool xd = path.Exists(p => (p.Value >> 63) != 0);
        if (!privileged && !user)
        {
            return new Outcome(FaultReason.UserAccessDenied, 0, []);
        }

        if (execute && (xd || (privileged && user)))
        {
            return new Outcome(FaultReason.ExecuteDenied, 0, []);
        }

        if (write && !rw && !(privileged && !wpe))
        {
            return new Outcome(FaultReason.ScalableWriteDenied, 0, []);
        }

        (ulong _, ulong leafEntry, int leafLevel) = path[^1];
        ulong size = 1UL << (12 + (9 * (leafLevel - 1)));
        ulong output = (leafEntry & 0x000F_FFFF_FFFF_F000 & ~(size - 1)) | (address & (size - 1));
        if (output >> 20 == 0xFEE)
        {
            return new Outcome(FaultReason.ScalableOutputInInterruptRange, 0, []);
        }

        List<(ulong, ulong)> updates = [];
        for (int i = 0; i < path.Count; i++)
        {
            ulong want = path[i].Value | 0x20 | (i == path.Count - 1 && write ? 0x40UL : 0);
            if (want != path[i].Value)
            {
                updates.Add((path[i].Address, want));
            }
        }

        return new Outcome(FaultReason.None, output, updates);
    }
}
