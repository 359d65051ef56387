using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// One second-level paging-structure-cache entry (VT-d spec §6.2.4): a cached non-leaf SL entry
/// (SL-PML5E, SL-PML4E, SL-PDPE or SL-PDE) for a DID. It covers the input-address region that one
/// entry of <see cref="Level"/> maps (level 2: 2 MiB, 3: 1 GiB, 4: 512 GiB, 5: 256 TiB) and holds the
/// address of the next-level table and the R/W accumulated down to and including this entry, so a
/// walk can resume at level <c>Level - 1</c>.
/// </summary>
public readonly record struct PagingStructureEntry
{
    /// <summary>Lowest level that is cached (SL-PDE).</summary>
    public const int MinLevel = 2;

    /// <summary>Highest level that is cached (SL-PML5E).</summary>
    public const int MaxLevel = 5;

    /// <summary>Creates an entry; <paramref name="inputAddress"/> is truncated to the covered region.</summary>
    public PagingStructureEntry(ushort did, int level, ulong inputAddress, ulong tableAddress, DmaAccess rights)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        Did = did;
        Level = level;
        RegionBase = inputAddress & ~((1UL << RegionShift(level)) - 1);
        TableAddress = tableAddress & PageGeometry.PageMask;
        Rights = rights & DmaAccess.ReadWrite;
    }

    /// <summary>Domain identifier.</summary>
    public ushort Did { get; }

    /// <summary>Paging level of the cached entry (2 = PDE .. 5 = PML5E).</summary>
    public int Level { get; }

    /// <summary>Base of the input-address region the entry maps.</summary>
    public ulong RegionBase { get; }

    /// <summary>Address of the next-level table (the entry's ADDR field).</summary>
    public ulong TableAddress { get; }

    /// <summary>R/W accumulated from the root down to this entry.</summary>
    public DmaAccess Rights { get; }

    /// <summary>log2 of the region one entry at <paramref name="level"/> maps.</summary>
    public static int RegionShift(int level) => PageGeometry.LevelShift(level);
}
