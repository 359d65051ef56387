namespace VtdEmu.Translation;

/// <summary>
/// Where a second-level walk begins: normally the table at SLPTPTR at the domain's top level with
/// full rights; a paging-structure cache can instead start at a lower table taken from a cached
/// non-leaf entry, carrying the rights accumulated above it.
/// </summary>
/// <param name="TableAddress">Physical address of the table to read first.</param>
/// <param name="Level">Level of that table (5 = PML5 … 1 = PT).</param>
/// <param name="RootLevel">The domain's top level (3, 4 or 5); a read failure at this level is the SLPTPTR fault.</param>
/// <param name="Rights">Rights accumulated above <paramref name="Level"/> (R and W as in a paging entry).</param>
public readonly record struct WalkStart(ulong TableAddress, int Level, int RootLevel, DmaAccess Rights)
{
    /// <summary>A walk from the domain's root table with all rights.</summary>
    public static WalkStart FromRoot(ulong secondLevelRoot, int levels) => new(secondLevelRoot, levels, levels, DmaAccess.ReadWrite);
}
