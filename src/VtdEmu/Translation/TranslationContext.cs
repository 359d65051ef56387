using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>
/// What root/context (and in scalable mode PASID-directory/PASID-table) resolution found for one
/// request: the domain, where and how to translate, and whether FPD was set on any entry met.
/// What the context and PASID caches hold, derived per request.
/// </summary>
public readonly struct TranslationContext
{
    // Four words: the two table roots, and every other field packed into two words, so that building,
    // completing (`with`) and copying a context moves whole words — a struct of narrow fields cost a
    // store-forwarding stall per copy on the per-request path (the same reason as TranslationResult).
    private const int LevelsShift = 0;             // _info bits 7:0
    private const int SecondLevelLevelsShift = 8;  // _info bits 15:8
    private const int DidShift = 16;               // _info bits 31:16
    private const int FaultShift = 32;             // _info bits 39:32
    private const int KindShift = 40;              // _info bits 47:40
    private const ulong AbortedBit = 1UL << 48;
    private const ulong ScalableBit = 1UL << 49;
    private const ulong SreBit = 1UL << 50;
    private const ulong EreBit = 1UL << 51;
    private const ulong WpeBit = 1UL << 52;
    private const ulong SladeBit = 1UL << 53;
    private const ulong FpdBit = 1UL << 54;
    private const ulong CachedBit = 1UL << 55;
    private const ulong PasidLookedBit = 1UL << 56;

    private readonly ulong _info;
    private readonly ulong _pasidAndReads;   // PASID in bits 31:0, table reads in bits 63:32

    /// <summary>
    /// A legacy-mode context (never PASID, first-level or SLADE): the hot path's constructor, which
    /// writes the four words directly instead of through an object initializer's zeroed temporary.
    /// </summary>
    internal TranslationContext(TranslationKind kind, FaultReason fault, ushort did, ulong secondLevelRoot, int levels, bool fpd, bool cached, int tableReads)
    {
        SecondLevelRoot = secondLevelRoot;
        FirstLevelRoot = 0;
        _info = ((ulong)unchecked((uint)levels) & byte.MaxValue)
            | ((ulong)did << DidShift)
            | ((ulong)(byte)fault << FaultShift)
            | ((ulong)(byte)kind << KindShift)
            | (fpd ? FpdBit : 0)
            | (cached ? CachedBit : 0);
        _pasidAndReads = (ulong)unchecked((uint)tableReads) << 32;
    }

    /// <summary>Root of the second-level tables (physical address), for <see cref="TranslationKind.SecondLevel"/> and <see cref="TranslationKind.Nested"/>.</summary>
    public ulong SecondLevelRoot { get; init; }

    /// <summary>Root of the first-level tables (PASID-entry FLPTPTR), for <see cref="TranslationKind.FirstLevel"/> (host physical) and <see cref="TranslationKind.Nested"/> (guest physical, translated by the second level).</summary>
    public ulong FirstLevelRoot { get; init; }

    /// <summary>Number of paging levels (second level 3, 4 or 5; first level and nested: the first level's, 4 or 5).</summary>
    public int Levels { get => (byte)((_info >> LevelsShift) & byte.MaxValue); init => _info = With(_info, LevelsShift, byte.MaxValue, unchecked((uint)value)); }

    /// <summary>Second-level paging levels of a nested context (3, 4 or 5; its tables at <see cref="SecondLevelRoot"/>).</summary>
    public int SecondLevelLevels { get => (byte)((_info >> SecondLevelLevelsShift) & byte.MaxValue); init => _info = With(_info, SecondLevelLevelsShift, byte.MaxValue, unchecked((uint)value)); }

    /// <summary>The PASID the request is translated under (its own, or the context's RID_PASID): first-level IOTLB tag.</summary>
    public uint Pasid { get => (uint)(_pasidAndReads & uint.MaxValue); init => _pasidAndReads = (_pasidAndReads & ~(ulong)uint.MaxValue) | value; }

    /// <summary>How many root/context/PASID entries were read.</summary>
    public int TableReads { get => unchecked((int)(uint)(_pasidAndReads >> 32)); init => _pasidAndReads = (_pasidAndReads & uint.MaxValue) | ((ulong)unchecked((uint)value) << 32); }

    /// <summary>DID of the context entry (legacy) or PASID-table entry (scalable).</summary>
    public ushort Did { get => (ushort)((_info >> DidShift) & ushort.MaxValue); init => _info = With(_info, DidShift, ushort.MaxValue, value); }

    /// <summary>The fault found during resolution, or <see cref="FaultReason.None"/>.</summary>
    public FaultReason Fault { get => (FaultReason)(byte)((_info >> FaultShift) & byte.MaxValue); init => _info = With(_info, FaultShift, byte.MaxValue, (byte)value); }

    /// <summary>Second-level walk, first-level walk or pass-through.</summary>
    public TranslationKind Kind { get => (TranslationKind)(byte)((_info >> KindShift) & byte.MaxValue); init => _info = With(_info, KindShift, byte.MaxValue, (byte)value); }

    /// <summary>True when abort-DMA mode blocks every request.</summary>
    public bool Aborted { get => Has(AbortedBit); init => _info = Set(_info, AbortedBit, value); }

    /// <summary>True for scalable mode (selects the 0x7x/0x8x fault codes in the walk).</summary>
    public bool Scalable { get => Has(ScalableBit); init => _info = Set(_info, ScalableBit, value); }

    /// <summary>PASID-entry SRE: supervisor requests allowed (first level).</summary>
    public bool Sre { get => Has(SreBit); init => _info = Set(_info, SreBit, value); }

    /// <summary>PASID-entry ERE: execute requests allowed (first level).</summary>
    public bool Ere { get => Has(EreBit); init => _info = Set(_info, EreBit, value); }

    /// <summary>PASID-entry WPE: supervisor writes honour R/W (first level).</summary>
    public bool Wpe { get => Has(WpeBit); init => _info = Set(_info, WpeBit, value); }

    /// <summary>PASID-entry SLADE: the second-level walk sets A/D bits (second-level and nested; spec-notes/translation.md §7).</summary>
    public bool Slade { get => Has(SladeBit); init => _info = Set(_info, SladeBit, value); }

    /// <summary>OR of FPD over every context / PASID-directory / PASID-table entry read, present or not.</summary>
    public bool Fpd { get => Has(FpdBit); init => _info = Set(_info, FpdBit, value); }

    /// <summary>
    /// True when every entry this context came from was found in, or just filled into, the context
    /// (and PASID) cache: resolving again for the same source (and PASID) would hit and read nothing.
    /// </summary>
    internal bool Cached { get => Has(CachedBit); init => _info = Set(_info, CachedBit, value); }

    /// <summary>True when resolution reached the PASID cache (scalable mode, context entry usable).</summary>
    internal bool PasidLooked { get => Has(PasidLookedBit); init => _info = Set(_info, PasidLookedBit, value); }

    private bool Has(ulong bit) => (_info & bit) != 0;

    private static ulong Set(ulong info, ulong bit, bool value) => value ? info | bit : info & ~bit;

    private static ulong With(ulong info, int shift, ulong mask, ulong value) => (info & ~(mask << shift)) | ((value & mask) << shift);
}
