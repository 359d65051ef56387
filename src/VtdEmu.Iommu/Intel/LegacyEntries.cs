namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Legacy-mode root and context entries as the driver writes them (VT-d spec §9.1 root entry, §9.3 context entry;
/// spec-notes/tables.md). Both are 128 bits: <c>Lo</c> = bits 63:0, <c>Hi</c> = bits 127:64.
/// </summary>
internal static class LegacyEntries
{
    /// <summary>Bytes per root or context entry.</summary>
    public const int EntrySize = 16;

    /// <summary>Bits 63:12 of a table pointer.</summary>
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    /// <summary>P (bit 0) of a root or context entry.</summary>
    public const ulong Present = 1;

    /// <summary>TT (3:2) = 00: untranslated requests walk the second-level tables.</summary>
    public const int TranslationMultiLevel = 0;

    /// <summary>TT = 01: as 00, plus translation requests for the device-TLB (ECAP.DT).</summary>
    public const int TranslationDeviceTlb = 1;

    /// <summary>TT = 10: pass-through (ECAP.PT).</summary>
    public const int TranslationPassThrough = 2;

    /// <summary>Root entry low word: CTP (63:12) | P.</summary>
    public static ulong RootLo(ulong contextTable) => (contextTable & AddressMask) | Present;

    /// <summary>Context entry low word: SLPTPTR (63:12) | TT (3:2) | FPD = 0 | P.</summary>
    public static ulong ContextLo(ulong slptptr, int translationType) =>
        (slptptr & AddressMask) | ((ulong)translationType << 2) | Present;

    /// <summary>Context entry high word: DID (87:72 → 23:8) | AW (66:64 → 2:0).</summary>
    public static ulong ContextHi(ushort did, int aw) => ((ulong)did << 8) | ((ulong)aw & 0x7);

    /// <summary>DID of a context entry's high word.</summary>
    public static ushort ContextDid(ulong hi) => (ushort)((hi >> 8) & 0xFFFF);
}
