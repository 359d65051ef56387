using VtdEmu.Memory;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// The tests' own decoder of legacy-mode structures, written from spec-facts tables.md §1 and §3 independently of
/// the driver: root entry (P 0, CTP 63:12), context entry (P 0, FPD 1, TT 3:2, SLPTPTR 63:12, AW 66:64, DID 87:72),
/// second-level entries (R 0, W 1, PS 7, address 51:12; present = R or W; levels = AW + 2).
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
            if ((pte & 3) == 0)
            {
                return null;
            }

            bool leaf = level == 1 || (pte & 0x80) != 0;
            if (leaf)
            {
                ulong size = 1UL << shift;
                ulong address = pte & 0x000F_FFFF_FFFF_F000 & ~(size - 1);
                return new DecodedLeaf(address | (iova & (size - 1)), size, (pte & 1) != 0, (pte & 2) != 0);
            }

            table = pte & 0x000F_FFFF_FFFF_F000;
        }

        return null;
    }
}
