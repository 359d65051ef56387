using VtdEmu.Memory;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// The tests' own decoder of legacy-mode structures, written from VT-d spec §9.1, §9.3 and §9.8 (spec-notes/tables.md)
/// independently of the driver: root entry (P 0, CTP 63:12), context entry (P 0, FPD 1, TT 3:2, SLPTPTR 63:12, AW
/// 66:64, DID 87:72), second-level entries (R 0, W 1, PS 7, address 51:12; present = R or W; levels = AW + 2).
/// </summary>
internal static class ReferenceDecoder
{
    /// <summary>The context entry for <paramref name="sid"/>, or null when root or context entry is not present.</summary>
    public static DecodedContext? Context(GuestMemory memory, ulong rootTable, ushort sid)
    {
        Assert.True(memory.TryRead64(rootTable + ((ulong)(sid >> 8) * 16), out ulong root));
        if ((root & 1) == 0)
        {
            return null;
        }

        ulong entry = (root & 0x000F_FFFF_FFFF_F000) + ((ulong)(sid & 0xFF) * 16);
        Assert.True(memory.TryRead64(entry, out ulong lo));
        Assert.True(memory.TryRead64(entry + 8, out ulong hi));
        if ((lo & 1) == 0)
        {
            return null;
        }

        return new DecodedContext(
            Fpd: (lo & 2) != 0,
            TranslationType: (int)((lo >> 2) & 3),
            Slptptr: lo & 0x000F_FFFF_FFFF_F000,
            AddressWidth: (int)(hi & 7),
            DomainId: (ushort)((hi >> 8) & 0xFFFF),
            ReservedLo: lo & 0xFF0,
            ReservedHi: hi & ~0xFF_FF07UL);
    }

    /// <summary>
    /// Scalable mode (spec §9.2, §9.4–§9.6): root entry LP 0 / LCTP 63:12 (devfn 0–127) and UP 64 / UCTP 127:76,
    /// 32-byte context entries (P 0, DTE 2, PASIDDIRPTR 63:12, RID_PASID 83:64), directory entry P 0 / table 63:12,
    /// 64-byte PASID entries (P 0, FPD 1, AW 4:2, PGTT 8:6, SLPTPTR 63:12, DID 79:64, FLPM 131:130,
    /// FLPTPTR 191:140). Null when any of them is not present.
    /// </summary>
    public static DecodedContext? ScalableContext(GuestMemory memory, ulong rootTable, ushort sid)
    {
        int devfn = sid & 0xFF;
        Assert.True(memory.TryRead64(rootTable + ((ulong)(sid >> 8) * 16) + (devfn >= 128 ? 8UL : 0), out ulong root));
        if ((root & 1) == 0)
        {
            return null;
        }

        ulong entry = (root & 0x000F_FFFF_FFFF_F000) + ((ulong)(devfn & 0x7F) * 32);
        Assert.True(memory.TryRead64(entry, out ulong lo));
        Assert.True(memory.TryRead64(entry + 8, out ulong hi));
        if ((lo & 1) == 0)
        {
            return null;
        }

        uint ridPasid = (uint)(hi & 0xF_FFFF);
        Assert.True(memory.TryRead64((lo & 0x000F_FFFF_FFFF_F000) + ((ulong)(ridPasid >> 6) * 8), out ulong dir));
        if ((dir & 1) == 0)
        {
            return null;
        }

        ulong pe = (dir & 0x000F_FFFF_FFFF_F000) + ((ulong)(ridPasid & 0x3F) * 64);
        Assert.True(memory.TryRead64(pe, out ulong w0));
        Assert.True(memory.TryRead64(pe + 8, out ulong w1));
        Assert.True(memory.TryRead64(pe + 16, out ulong w2));
        if ((w0 & 1) == 0)
        {
            return null;
        }

        int pgtt = (int)((w0 >> 6) & 7);
        bool first = pgtt == 1;
        return new DecodedContext(
            Fpd: (w0 & 2) != 0,
            TranslationType: pgtt == 4 ? 2 : (int)((lo >> 2) & 1),
            Slptptr: first ? w2 & 0x000F_FFFF_FFFF_F000 : w0 & 0x000F_FFFF_FFFF_F000,
            AddressWidth: first ? 2 + (int)((w2 >> 2) & 3) : (int)((w0 >> 2) & 7),
            DomainId: (ushort)(w1 & 0xFFFF),
            ReservedLo: 0,
            ReservedHi: 0,
            FirstLevel: first);
    }

    /// <summary>
    /// The raw words of <paramref name="sid"/>'s scalable context entry (4) and of its PASID-table entry for
    /// <paramref name="pasid"/> (8), or null where a level is missing.
    /// </summary>
    public static (ulong[] Context, ulong[]? PasidEntry)? ScalableWords(GuestMemory memory, ulong rootTable, ushort sid, uint pasid)
    {
        int devfn = sid & 0xFF;
        Assert.True(memory.TryRead64(rootTable + ((ulong)(sid >> 8) * 16) + (devfn >= 128 ? 8UL : 0), out ulong root));
        if ((root & 1) == 0)
        {
            return null;
        }

        ulong[] context = Words(memory, (root & 0x000F_FFFF_FFFF_F000) + ((ulong)(devfn & 0x7F) * 32), 4);
        if ((context[0] & 1) == 0)
        {
            return null;
        }

        Assert.True(memory.TryRead64((context[0] & 0x000F_FFFF_FFFF_F000) + ((ulong)(pasid >> 6) * 8), out ulong dir));
        return (dir & 1) == 0
            ? (context, null)
            : (context, Words(memory, (dir & 0x000F_FFFF_FFFF_F000) + ((ulong)(pasid & 0x3F) * 64), 8));
    }

    private static ulong[] Words(GuestMemory memory, ulong address, int count)
    {
        ulong[] words = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            Assert.True(memory.TryRead64(address + ((ulong)i * 8), out words[i]));
        }

        return words;
    }

    /// <summary>Walks the second-level tables of <paramref name="context"/> for <paramref name="iova"/>.</summary>
    public static DecodedLeaf? Walk(GuestMemory memory, DecodedContext context, ulong iova)
    {
        int levels = context.AddressWidth + 2;
        ulong table = context.Slptptr;
        for (int level = levels; level >= 1; level--)
        {
            int shift = 12 + (9 * (level - 1));
            ulong index = (iova >> shift) & 0x1FF;
            Assert.True(memory.TryRead64(table + (index * 8), out ulong pte));

            // First-level entries (spec §9.7): present = P (bit 0), readable when present; second-level: R or W.
            if ((pte & (context.FirstLevel ? 1UL : 3UL)) == 0)
            {
                return null;
            }

            bool leaf = level == 1 || (pte & 0x80) != 0;
            if (leaf)
            {
                ulong size = 1UL << shift;
                ulong address = pte & 0x000F_FFFF_FFFF_F000 & ~(size - 1);
                return new DecodedLeaf(address | (iova & (size - 1)), size, context.FirstLevel || (pte & 1) != 0, (pte & 2) != 0);
            }

            table = pte & 0x000F_FFFF_FFFF_F000;
        }

        return null;
    }
}
