using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Reference;

/// <summary>
/// A slow, deliberately plain second-level translation written from the spec's description
/// (VT-d §3.6-§3.7 and the SL entry table of §9.8, as laid out in spec-notes/tables.md),
/// independently of <see cref="SecondLevelWalker"/>: it reads entries byte by byte, decides
/// reserved bits one rule at a time, and computes the page size from the level. It is the safe
/// twin the optimised walker is checked against.
/// </summary>
internal static class ReferenceWalker
{
    internal readonly record struct Outcome(FaultReason Fault, ulong Output, int PageShift, bool Read, bool Write, int Reads);

    /// <summary>Checks the input width, then walks <paramref name="levels"/> levels from <paramref name="root"/>.</summary>
    public static Outcome Translate(GuestMemory memory, int haw, int mgaw, int sllps, bool sc, bool dt,
        ulong root, int levels, ulong iova, DmaAccess access, bool scalable)
    {
        // Input must be below 2^min(AGAW, MGAW+1).
        int agaw = 30 + (9 * (levels - 2));
        int width = Math.Min(agaw, mgaw + 1);
        if (width < 64 && iova >= (1UL << width))
        {
            return Fail(scalable ? FaultReason.ScalableAddressBeyondWidth : FaultReason.AddressBeyondWidth, 0);
        }

        bool canRead = true;
        bool canWrite = true;
        ulong table = root;
        int reads = 0;
        for (int level = levels; level >= 1; level--)
        {
            int lowBit = 12 + (9 * (level - 1));
            ulong index = (iova >> lowBit) % 512;
            byte[] bytes = new byte[8];
            reads++;
            if (!memory.TryRead(table + (index * 8), bytes))
            {
                bool first = level == levels;
                FaultReason error = scalable
                    ? (first ? FaultReason.SecondLevelRootAccessError : FaultReason.SecondLevelEntryAccessError)
                    : (first ? FaultReason.ContextEntryInvalid : FaultReason.PagingEntryAccessError);
                return Fail(error, reads);
            }

            ulong entry = 0;
            for (int b = 7; b >= 0; b--)
            {
                entry = (entry << 8) | bytes[b];
            }

            bool r = Bit(entry, 0);
            bool w = Bit(entry, 1);
            if (!r && !w)
            {
                if (scalable)
                {
                    return Fail(FaultReason.SecondLevelEntryNotPresent, reads);
                }

                // Legacy mode has no not-present fault: the request simply lacks its rights.
                return Fail(access.HasFlag(DmaAccess.Write) ? FaultReason.WriteDenied : FaultReason.ReadDenied, reads);
            }

            canRead = canRead && r;
            canWrite = canWrite && w;

            bool ps = Bit(entry, 7);
            bool isLeaf = level == 1 || ps;
            if (IsReserved(entry, level, isLeaf, ps, haw, sllps, sc, dt))
            {
                return Fail(scalable ? FaultReason.SecondLevelEntryReserved : FaultReason.PagingEntryReserved, reads);
            }

            if (!isLeaf)
            {
                table = Field(entry, 51, 12) * 4096;
                continue;
            }

            if (access.HasFlag(DmaAccess.Write) && !canWrite)
            {
                return Fail(scalable ? FaultReason.ScalableWriteDenied : FaultReason.WriteDenied, reads);
            }

            if (access.HasFlag(DmaAccess.Read) && !canRead)
            {
                return Fail(scalable ? FaultReason.ScalableReadDenied : FaultReason.ReadDenied, reads);
            }

            ulong pageSize = 1UL << lowBit;
            ulong pageBase = Field(entry, 51, lowBit) << lowBit;
            ulong output = pageBase + (iova % pageSize);
            if (output >= 0xFEE0_0000 && output <= 0xFEEF_FFFF)
            {
                return Fail(scalable ? FaultReason.ScalableOutputInInterruptRange : FaultReason.OutputInInterruptRange, reads);
            }

            return new Outcome(FaultReason.None, output, lowBit, canRead, canWrite, reads);
        }

        throw new InvalidOperationException("unreachable: level 1 is always a leaf");
    }

    /// <summary>The reserved-bit rules of the SL entry table, one at a time.</summary>
    private static bool IsReserved(ulong entry, int level, bool isLeaf, bool ps, int haw, int sllps, bool sc, bool dt)
    {
        for (int bit = haw; bit <= 51; bit++)
        {
            if (Bit(entry, bit))
            {
                return true; // address bits at or above HAW
            }
        }

        if (Bit(entry, 62) && !(isLeaf && dt))
        {
            return true; // TM exists only in leaves with DT
        }

        if (Bit(entry, 11) && !(isLeaf && sc))
        {
            return true; // SNP exists only in leaves with SC
        }

        if (level >= 4 && ps)
        {
            return true; // bit 7 of PML4E / PML5E
        }

        if (level == 2 && ps && (sllps & 1) == 0)
        {
            return true; // 2 MiB pages not supported
        }

        if (level == 3 && ps && (sllps & 2) == 0)
        {
            return true; // 1 GiB pages not supported
        }

        if (isLeaf && level >= 2)
        {
            int lastOffsetBit = 12 + (9 * (level - 1)) - 1;
            for (int bit = 12; bit <= lastOffsetBit; bit++)
            {
                if (Bit(entry, bit))
                {
                    return true; // large-page address not aligned to its size
                }
            }
        }

        return false;
    }

    private static Outcome Fail(FaultReason fault, int reads) => new(fault, 0, 0, false, false, reads);

    private static bool Bit(ulong value, int bit) => ((value >> bit) & 1) == 1;

    private static ulong Field(ulong value, int msb, int lsb) => (value >> lsb) & ((1UL << (msb - lsb + 1)) - 1);
}
