namespace VtdEmu.Iommu.Intel;

/// <summary>
/// A scalable-mode PASID-table entry (512 bits, eight words) as the driver builds it (VT-d spec §9.6; Linux
/// <c>intel/pasid.h</c> setters): word 0 P (0), FPD (1), AW (4:2), PGTT (8:6), SLADE (9), SLPTPTR (63:12);
/// word 1 DID (79:64), PWSNP (87), PGSNP (88); word 2 SRE (128), FLPM (131:130), WPE (132), EAFE (135),
/// FLPTPTR (191:140). Every other bit is zero.
/// </summary>
internal readonly record struct PasidEntryWords(ulong W0, ulong W1, ulong W2)
{
    /// <summary>Number of 64-bit words in an entry.</summary>
    public const int WordCount = 8;

    /// <summary>Bytes per entry.</summary>
    public const int Size = WordCount * 8;

    /// <summary>PGTT 001: first-level only.</summary>
    public const int FirstLevelOnly = 1;

    /// <summary>PGTT 010: second-level only.</summary>
    public const int SecondLevelOnly = 2;

    /// <summary>PGTT 011: nested.</summary>
    public const int Nested = 3;

    /// <summary>PGTT 100: pass-through.</summary>
    public const int PassThroughOnly = 4;

    /// <summary>P of word 0.</summary>
    public const ulong Present = 1;

    /// <summary>PGTT of word 0.</summary>
    public static int Pgtt(ulong w0) => (int)((w0 >> 6) & 7);

    /// <summary>DID of word 1.</summary>
    public static ushort Did(ulong w1) => (ushort)(w1 & 0xFFFF);

    /// <summary>
    /// Linux <c>pasid_pte_config_second_level</c>: SLPTPTR, AW, PGTT 010, DID, PWSNP from ECAP.SMPWCS, SLADE for a
    /// dirty-tracking domain, faults enabled, present.
    /// </summary>
    public static PasidEntryWords SecondLevel(ulong slptptr, int aw, ushort did, bool pageWalkSnoop, bool slade = false) =>
        new(Word0(slptptr, aw, SecondLevelOnly, slade), Word1(did, pageWalkSnoop), 0);

    /// <summary>
    /// Linux <c>pasid_pte_config_first_level</c>: FLPTPTR, FLPM (1 for a 5-level table), DID, AW of the unit,
    /// PWSNP, PGTT 001, present.
    /// </summary>
    public static PasidEntryWords FirstLevel(ulong flptptr, bool fiveLevel, int aw, ushort did, bool pageWalkSnoop) =>
        new(Word0(0, aw, FirstLevelOnly, slade: false), Word1(did, pageWalkSnoop), Word2(flptptr, fiveLevel, sre: false, wpe: false));

    /// <summary>Linux <c>pasid_pte_config_pass_through</c>: DID, AW of the unit, PGTT 100, PWSNP, present.</summary>
    public static PasidEntryWords PassThrough(int aw, ushort did, bool pageWalkSnoop) =>
        new(Word0(0, aw, PassThroughOnly, slade: false), Word1(did, pageWalkSnoop), 0);

    /// <summary>
    /// Linux <c>pasid_pte_config_nestd</c>: the guest's FLPTPTR and FLPM, SRE (WPE only with SRE) and EAFE as the guest
    /// asked; the parent's SLPTPTR and AW, SLADE for a dirty-tracking parent; the child's DID, PWSNP, PGTT 011, present.
    /// </summary>
    public static PasidEntryWords NestedEntry(ulong flptptr, bool fiveLevel, bool sre, bool wpe, bool eafe, ulong slptptr, int aw, bool slade, ushort did, bool pageWalkSnoop) =>
        new(Word0(slptptr, aw, Nested, slade), Word1(did, pageWalkSnoop), Word2(flptptr, fiveLevel, sre, sre && wpe) | (eafe ? 1UL << 7 : 0));

    private static ulong Word0(ulong slptptr, int aw, int pgtt, bool slade) =>
        (slptptr & LegacyEntries.AddressMask) | (slade ? 1UL << 9 : 0) | ((ulong)pgtt << 6) | ((ulong)(aw & 7) << 2) | Present;

    private static ulong Word1(ushort did, bool pageWalkSnoop) => did | (pageWalkSnoop ? 1UL << 23 : 0);

    private static ulong Word2(ulong flptptr, bool fiveLevel, bool sre, bool wpe) =>
        (flptptr & LegacyEntries.AddressMask) | (wpe ? 1UL << 4 : 0) | (fiveLevel ? 1UL << 2 : 0) | (sre ? 1UL : 0);
}
