using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Second-level paging entries as the driver writes them (VT-d spec §9.8; spec-notes/tables.md): R (0),
/// W (1), PS (7) for 2 MiB / 1 GiB leaves, address in 51:12. An entry with R = W = 0 is not present.
/// </summary>
internal static class SecondLevelPte
{
    /// <summary>R, bit 0.</summary>
    public const ulong Read = 1UL << 0;

    /// <summary>W, bit 1.</summary>
    public const ulong Write = 1UL << 1;

    /// <summary>PS, bit 7: the entry maps a large page.</summary>
    public const ulong PageSize = 1UL << 7;

    /// <summary>Address bits 51:12.</summary>
    public const ulong AddressMask = PageGeometry.EntryAddressMask;

    /// <summary>Present = R or W set.</summary>
    public static bool IsPresent(ulong pte) => (pte & (Read | Write)) != 0;

    /// <summary>A leaf at <paramref name="level"/> (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB).</summary>
    public static bool IsLeaf(ulong pte, int level) => level == 1 || (pte & PageSize) != 0;

    /// <summary>Non-leaf entry pointing at <paramref name="table"/>: R and W set so permissions come from the leaf.</summary>
    public static ulong Table(ulong table) => (table & AddressMask) | Read | Write;

    /// <summary>Leaf entry for <paramref name="paddr"/> at <paramref name="level"/> with the mapping's permissions.</summary>
    public static ulong Leaf(ulong paddr, int level, IommuProt prot) =>
        (paddr & AddressMask)
        | ((prot & IommuProt.Read) != 0 ? Read : 0)
        | ((prot & IommuProt.Write) != 0 ? Write : 0)
        | (level > 1 ? PageSize : 0);
}
