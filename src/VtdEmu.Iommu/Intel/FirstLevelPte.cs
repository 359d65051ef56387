namespace VtdEmu.Iommu.Intel;

/// <summary>
/// First-level paging entries as the driver writes them (VT-d spec §9.7, the IA-32e format; Linux
/// <c>DMA_FL_PTE_*</c>): P (0), R/W (1), U/S (2), A (5), D (6), PS (7) for 2 MiB / 1 GiB leaves, XD (63), address in
/// 51:12. Non-leaf entries carry P, R/W, U/S and A; leaves add D when writable (so the hardware never has to set it)
/// and XD. Every entry the driver writes has P and so bit 0 set: <see cref="SecondLevelPte.IsPresent"/> recognises both
/// formats.
/// </summary>
internal static class FirstLevelPte
{
    /// <summary>P, bit 0.</summary>
    public const ulong Present = 1UL << 0;

    /// <summary>R/W, bit 1.</summary>
    public const ulong ReadWrite = 1UL << 1;

    /// <summary>U/S, bit 2.</summary>
    public const ulong User = 1UL << 2;

    /// <summary>A, bit 5.</summary>
    public const ulong Accessed = 1UL << 5;

    /// <summary>D, bit 6.</summary>
    public const ulong Dirty = 1UL << 6;

    /// <summary>XD, bit 63.</summary>
    public const ulong ExecuteDisable = 1UL << 63;

    /// <summary>Non-leaf entry pointing at <paramref name="table"/>.</summary>
    public static ulong Table(ulong table) => (table & SecondLevelPte.AddressMask) | Present | ReadWrite | User | Accessed;

    /// <summary>Leaf entry for <paramref name="paddr"/> at <paramref name="level"/>.</summary>
    public static ulong Leaf(ulong paddr, int level, IommuProt prot)
    {
        bool write = (prot & IommuProt.Write) != 0;
        return (paddr & SecondLevelPte.AddressMask) | Present | User | Accessed | ExecuteDisable
            | (write ? ReadWrite | Dirty : 0)
            | (level > 1 ? SecondLevelPte.PageSize : 0);
    }
}
