using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Reference;

/// <summary>
/// A slow nested translation (PGTT 011) written from spec-notes/nested.md, independent of the model's walkers: the
/// first-level rules of <see cref="ReferenceFirstLevelWalker"/> with every table address and the output translated by
/// <see cref="ReferenceWalker"/>. It makes its accessed/dirty updates itself, with plain writes, in the order the note
/// gives, on the memory it is handed — tests run it on a twin of the model's memory and compare the two.
/// </summary>
internal static class ReferenceNestedWalker
{
    private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    internal readonly record struct Nested(ulong FlRoot, int FlLevels, ulong SlRoot, int SlLevels, bool Slade, int Haw, bool OneGiB);

    public static (FaultReason Fault, ulong Output) Translate(GuestMemory memory, in Nested n, ulong address, DmaAccess access, bool privileged, bool execute, bool wpe)
    {
        int width = 12 + (9 * n.FlLevels);
        long signed = unchecked((long)address);
        if (signed != (signed << (64 - width)) >> (64 - width))
        {
            return (FaultReason.NonCanonicalAddress, 0);
        }

        List<(ulong Guest, ulong Host, ulong Value)> path = [];
        ulong table = n.FlRoot;
        int leafLevel = 0;
        for (int level = n.FlLevels; level >= 1; level--)
        {
            bool root = level == n.FlLevels;
            FaultReason f = Sl(memory, n, table, DmaAccess.Read, root ? FaultReason.NestedRootTableReadDenied : FaultReason.NestedTableReadDenied, out ulong hostTable);
            if (f != FaultReason.None)
            {
                return (f, 0);
            }

            ulong index = ((address >> (12 + (9 * (level - 1)))) & 511) * 8;
            if (!memory.TryRead64(hostTable + index, out ulong e))
            {
                return (root ? FaultReason.FirstLevelRootAccessError : FaultReason.FirstLevelEntryAccessError, 0);
            }

            if ((e & 1) == 0)
            {
                return (FaultReason.FirstLevelEntryNotPresent, 0);
            }

            bool ps = (e & 0x80) != 0;
            bool psReserved = level >= 4 || (level == 3 && !n.OneGiB);
            bool leaf = level == 1 || (ps && !psReserved);
            bool reserved = (e & AddressMask & ~((1UL << n.Haw) - 1)) != 0
                || (ps && psReserved)
                || (leaf && level == 2 && (e & 0x1F_E000) != 0)
                || (leaf && level == 3 && (e & 0x3FFF_E000) != 0);
            if (reserved)
            {
                return (FaultReason.FirstLevelEntryReserved, 0);
            }

            path.Add((table + index, hostTable + index, e));
            if (leaf)
            {
                leafLevel = level;
                break;
            }

            table = e & AddressMask;
        }

        bool write = (access & DmaAccess.Write) != 0;
        bool user = path.TrueForAll(p => (p.Value & 4) != 0);
        bool rw = path.TrueForAll(p => (p.Value & 2) != 0);
        bool xd = path.Exists(p => (p.Value >> 63) != 0);
        if (!privileged && !user)
        {
            return (FaultReason.UserAccessDenied, 0);
        }

        if (execute && (xd || (privileged && user)))
        {
            return (FaultReason.ExecuteDenied, 0);
        }

        if (write && !rw && !(privileged && !wpe))
        {
            return (FaultReason.ScalableWriteDenied, 0);
        }

        ulong size = 1UL << (12 + (9 * (leafLevel - 1)));
        ulong guestOutput = (path[^1].Value & AddressMask & ~(size - 1)) | (address & (size - 1));
        ReferenceWalker.Outcome o = ReferenceWalker.Translate(memory, n.Haw, 56, 0b11, false, false, n.SlRoot, n.SlLevels, guestOutput, access, scalable: true);
        if (o.Fault != FaultReason.None)
        {
            return (o.Fault, 0);
        }

        ApplySecondLevelAccessedDirty(memory, n, guestOutput, write);

        // First-level A/D, root first: an entry that needs a bit is written through the second level (SFL.8 without W).
        for (int i = 0; i < path.Count; i++)
        {
            ulong bits = 0x20 | (i == path.Count - 1 && write ? 0x40UL : 0);
            Assert.True(memory.TryRead64(path[i].Host, out ulong now));
            if ((now & bits) == bits)
            {
                continue;
            }

            FaultReason f = Sl(memory, n, path[i].Guest, DmaAccess.Write, FaultReason.NestedEntryUpdateWriteDenied, out ulong host);
            if (f != FaultReason.None)
            {
                return (f, 0);
            }

            Assert.True(memory.TryWrite64(host, now | bits));
        }

        return (FaultReason.None, o.Output);
    }

    // One second-level translation of a table access: width (SFL.5), the walk's faults, the right (denied), then A/D.
    private static FaultReason Sl(GuestMemory memory, in Nested n, ulong guest, DmaAccess access, FaultReason denied, out ulong host)
    {
        host = 0;
        ReferenceWalker.Outcome o = ReferenceWalker.Translate(memory, n.Haw, 56, 0b11, false, false, n.SlRoot, n.SlLevels, guest, access, scalable: true);
        switch (o.Fault)
        {
            case FaultReason.None:
                break;
            case FaultReason.ScalableAddressBeyondWidth:
                return FaultReason.NestedTableBeyondWidth;
            case FaultReason.ScalableReadDenied or FaultReason.ScalableWriteDenied:
                return denied;
            case FaultReason.ScalableOutputInInterruptRange:
                throw new InvalidOperationException("tests keep first-level tables out of the interrupt range");
            default:
                return o.Fault;
        }

        ApplySecondLevelAccessedDirty(memory, n, guest, access == DmaAccess.Write);
        host = o.Output;
        return FaultReason.None;
    }

    private static void ApplySecondLevelAccessedDirty(GuestMemory memory, in Nested n, ulong guest, bool write)
    {
        if (!n.Slade)
        {
            return;
        }

        foreach ((ulong at, ulong value) in ReferenceAccessedDirty.SecondLevel(memory, n.SlRoot, n.SlLevels, guest, write))
        {
            Assert.True(memory.TryWrite64(at, value));
        }
    }
}
