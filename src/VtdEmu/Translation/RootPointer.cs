namespace VtdEmu.Translation;

/// <summary>
/// The latched root-table pointer (RTADDR as of the last SRTP; VT-d spec §10.4.6 / §11.4.6):
/// <paramref name="Address"/> is RTA (bits 63:12 of RTADDR, as a physical address) and
/// <paramref name="Ttm"/> the raw 2-bit TTM field (00 legacy, 01 scalable, 10 reserved, 11 abort-DMA).
/// </summary>
public readonly record struct RootPointer(ulong Address, int Ttm)
{
    /// <summary>TTM=00b: legacy root and context tables.</summary>
    public const int LegacyMode = 0;

    /// <summary>TTM=01b: scalable-mode root and context tables.</summary>
    public const int ScalableMode = 1;

    /// <summary>TTM=11b: abort-DMA mode (needs ECAP.ADMS).</summary>
    public const int AbortDmaMode = 3;

    /// <summary>A legacy-mode root pointer.</summary>
    public static RootPointer Legacy(ulong address) => new(address, LegacyMode);

    /// <summary>A scalable-mode root pointer.</summary>
    public static RootPointer Scalable(ulong address) => new(address, ScalableMode);
}
