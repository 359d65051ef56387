using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>
/// What root/context (and in scalable mode PASID-directory/PASID-table) resolution found for one
/// request: the domain, where and how to translate, and whether FPD was set on any entry met.
/// What the context and PASID caches hold, derived per request.
/// </summary>
public readonly struct TranslationContext
{
    // Word-sized properties first: declaration order is field order, which packs the struct into
    // 40 bytes (it is passed between every step of the pipeline).
    /// <summary>Root of the second-level tables (physical address), for <see cref="TranslationKind.SecondLevel"/>.</summary>
    public ulong SecondLevelRoot { get; init; }

    /// <summary>Root of the first-level tables (PASID-entry FLPTPTR), for <see cref="TranslationKind.FirstLevel"/>.</summary>
    public ulong FirstLevelRoot { get; init; }

    /// <summary>Number of paging levels (second level 3, 4 or 5; first level 4 or 5).</summary>
    public int Levels { get; init; }

    /// <summary>The PASID the request is translated under (its own, or the context's RID_PASID): first-level IOTLB tag.</summary>
    public uint Pasid { get; init; }

    /// <summary>How many root/context/PASID entries were read.</summary>
    public int TableReads { get; init; }

    /// <summary>DID of the context entry (legacy) or PASID-table entry (scalable).</summary>
    public ushort Did { get; init; }

    /// <summary>The fault found during resolution, or <see cref="FaultReason.None"/>.</summary>
    public FaultReason Fault { get; init; }

    /// <summary>Second-level walk, first-level walk or pass-through.</summary>
    public TranslationKind Kind { get; init; }

    /// <summary>True when abort-DMA mode blocks every request.</summary>
    public bool Aborted { get; init; }

    /// <summary>True for scalable mode (selects the 0x7x/0x8x fault codes in the walk).</summary>
    public bool Scalable { get; init; }

    /// <summary>PASID-entry SRE: supervisor requests allowed (first level).</summary>
    public bool Sre { get; init; }

    /// <summary>PASID-entry ERE: execute requests allowed (first level).</summary>
    public bool Ere { get; init; }

    /// <summary>PASID-entry WPE: supervisor writes honour R/W (first level).</summary>
    public bool Wpe { get; init; }

    /// <summary>OR of FPD over every context / PASID-directory / PASID-table entry read, present or not.</summary>
    public bool Fpd { get; init; }

    /// <summary>
    /// True when every entry this context came from was found in, or just filled into, the context
    /// (and PASID) cache: resolving again for the same source (and PASID) would hit and read nothing.
    /// </summary>
    internal bool Cached { get; init; }

    /// <summary>True when resolution reached the PASID cache (scalable mode, context entry usable).</summary>
    internal bool PasidLooked { get; init; }
}
