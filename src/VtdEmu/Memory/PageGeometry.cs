using System.Runtime.CompilerServices;

namespace VtdEmu.Memory;

/// <summary>
/// The page and paging-structure geometry every VT-d table walk shares (VT-d spec §3.6, §3.7, §9.7, §9.8;
/// spec-notes/tables.md): 4 KiB pages and tables, 512 eight-byte entries per table, so each level
/// translates 9 address bits above the 12-bit page offset. Level 1 maps 4 KiB, level 2 2 MiB,
/// level 3 1 GiB; an input width is 12 + 9 × levels (AW encoding n: n + 2 levels, 30 + 9n bits).
/// Constants and inlined arithmetic only: free on the translate path.
/// </summary>
public static class PageGeometry
{
    /// <summary>log2 of the 4 KiB page (and of a paging-structure table).</summary>
    public const int PageShift = 12;

    /// <summary>The 4 KiB page size in bytes.</summary>
    public const ulong PageSize = 1UL << PageShift;

    /// <summary>The offset bits inside a 4 KiB page (0xFFF).</summary>
    public const ulong PageOffsetMask = PageSize - 1;

    /// <summary>The 4 KiB page-frame bits of an address (~0xFFF).</summary>
    public const ulong PageMask = ~PageOffsetMask;

    /// <summary>Address bits translated per paging level (a table has 2^9 entries).</summary>
    public const int LevelBits = 9;

    /// <summary>Entries per paging-structure table.</summary>
    public const int EntriesPerTable = 1 << LevelBits;

    /// <summary>The table-index bits of one level, shifted down to bit 0 (0x1FF).</summary>
    public const ulong IndexMask = EntriesPerTable - 1;

    /// <summary>ADDR, bits 51:12 of a paging entry (and of the table pointers): the next table or the page frame.</summary>
    public const ulong EntryAddressMask = 0x000F_FFFF_FFFF_F000;

    /// <summary>log2 of the region one entry at <paramref name="level"/> maps (level 1 = 12, 2 = 21, 3 = 30, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LevelShift(int level) => PageShift + (LevelBits * (level - 1));

    /// <summary>Bytes one entry at <paramref name="level"/> maps (4 KiB, 2 MiB, 1 GiB, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LevelSize(int level) => 1UL << LevelShift(level);

    /// <summary>The offset bits inside the region one entry at <paramref name="level"/> maps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LevelOffsetMask(int level) => LevelSize(level) - 1;

    /// <summary>The table index <paramref name="address"/> selects at <paramref name="level"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Index(ulong address, int level) => (address >> LevelShift(level)) & IndexMask;

    /// <summary>The input-address width a walk of <paramref name="levels"/> levels covers (3 = 39 bits, 4 = 48).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputWidth(int levels) => PageShift + (LevelBits * levels);

    /// <summary>
    /// The level whose entries map <paramref name="shift"/>-bit regions (12 = 1, 21 = 2, 30 = 3), for a
    /// <paramref name="shift"/> that <see cref="LevelShift"/> returned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LevelOf(int shift) => 1 + ((shift - PageShift) / LevelBits);
}
