using VtdEmu.Internal;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Translation;

/// <summary>
/// Everything the translation path derives from CAP, ECAP and the host address width, computed
/// once (at reset) so the walk does no capability decoding: reserved-bit masks per structure and
/// per paging level (VT-d spec §9.1-§9.8; the bit lists are in spec-notes/translation.md).
/// </summary>
public sealed class TranslationParameters
{
    /// <summary>Deepest second-level walk (5-level, 57-bit).</summary>
    public const int MaxLevels = 5;

    private const ulong PsBit = 1UL << 7;
    private const ulong SnpBit = 1UL << 11;
    private const ulong TmBit = 1UL << 62;

    /// <summary>Derives the parameters; <paramref name="haw"/> is the host address width (12..52).</summary>
    public TranslationParameters(CapabilityRegister capability, ExtendedCapabilityRegister extendedCapability, int haw)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(haw, 12);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(haw, 52);
        Capability = capability;
        ExtendedCapability = extendedCapability;
        Haw = haw;
        MaxInputWidth = capability.MGAW + 1;
        ExtendedCapabilityRegister ecap = extendedCapability;

        // Pointer fields end at bit 63 of their word: bits 63:HAW are reserved.
        ulong pointerAboveHaw = ~Bits.Mask(haw);

        RootEntryReservedLow = Bits.Range(11, 1) | pointerAboveHaw;
        RootEntryReservedHigh = ulong.MaxValue;
        ContextEntryReservedLow = Bits.Range(11, 4) | pointerAboveHaw;
        ContextEntryReservedLowPassThrough = Bits.Range(11, 4);
        ContextEntryReservedHigh = (1UL << (71 - 64)) | Bits.Range(127 - 64, 88 - 64);

        // The two halves of a scalable root entry share one layout: P at bit 0, 11:1 reserved, pointer 63:12.
        ScalableRootHalfReserved = Bits.Range(11, 1) | pointerAboveHaw;

        ScalableContextReserved0 = Bits.Range(8, 5) | pointerAboveHaw
            | (ecap.DT ? 0 : 1UL << 2) | (ecap.PRS ? 0 : 1UL << 4);
        ScalableContextReserved1 = Bits.Range(127 - 64, 85 - 64)
            | (ecap.RPS ? 0 : Bits.Range(83 - 64, 64 - 64)) | (ecap.RPRIVS ? 0 : 1UL << (84 - 64));
        PasidDirectoryReserved = Bits.Range(11, 2) | pointerAboveHaw;

        _pasidEntryReserved[0] = Bits.Range(11, 10) | pointerAboveHaw | (ecap.SLADS ? 0 : 1UL << 9);
        _pasidEntryReserved[1] = Bits.Range(86 - 64, 80 - 64)
            | (ecap.SMPWCS ? 0 : 1UL << (87 - 64)) | (ecap.SC ? 0 : 1UL << (88 - 64))
            | (ecap.MTS ? 0 : Bits.Range(127 - 64, 89 - 64));
        _pasidEntryReserved[2] = Bits.Range(139 - 128, 136 - 128) | pointerAboveHaw
            | (ecap.SRS ? 0 : 1UL << (128 - 128)) | (ecap.ERS ? 0 : 1UL << (129 - 128)) | (ecap.EAFS ? 0 : 1UL << (135 - 128));
        for (int i = 3; i < _pasidEntryReserved.Length; i++)
        {
            _pasidEntryReserved[i] = ulong.MaxValue;
        }

        // Second-level entries (§9.8): address bits 51:HAW, bit 62 (TM only in leaves with DT) and
        // bit 11 (SNP only in leaves with SC) are reserved; bit 7 is reserved in PML4E/PML5E and
        // wherever the large page it would select is not in SLLPS.
        ulong slAddress = haw < 52 ? Bits.Range(51, haw) : 0;
        ulong nonLeaf = slAddress | SnpBit | TmBit;
        ulong leaf = slAddress | (ecap.SC ? 0 : SnpBit) | (ecap.DT ? 0 : TmBit);
        bool twoMiB = (capability.SLLPS & 1) != 0;
        bool oneGiB = (capability.SLLPS & 2) != 0;
        for (int level = 2; level <= MaxLevels; level++)
        {
            TableReservedMasks[level] = nonLeaf;
            LeafReservedMasks[level] = nonLeaf | PsBit;
        }

        LeafReservedMasks[1] = leaf;
        if (twoMiB)
        {
            LeafReservedMasks[2] = leaf | Bits.Range(20, 12);
        }

        if (oneGiB)
        {
            LeafReservedMasks[3] = leaf | Bits.Range(29, 12);
        }
    }

    /// <summary>CAP_REG as advertised.</summary>
    public CapabilityRegister Capability { get; }

    /// <summary>ECAP_REG as advertised.</summary>
    public ExtendedCapabilityRegister ExtendedCapability { get; }

    /// <summary>Host address width in bits.</summary>
    public int Haw { get; }

    /// <summary>CAP.MGAW + 1: the widest input address any walk accepts.</summary>
    public int MaxInputWidth { get; }

    /// <summary>Reserved bits of a present root entry, bits 63:0.</summary>
    public ulong RootEntryReservedLow { get; }

    /// <summary>Reserved bits of a present root entry, bits 127:64.</summary>
    public ulong RootEntryReservedHigh { get; }

    /// <summary>Reserved bits of a present legacy context entry, bits 63:0, when TT uses SLPTPTR.</summary>
    public ulong ContextEntryReservedLow { get; }

    /// <summary>Reserved bits of a present legacy context entry, bits 63:0, for TT=10b (SLPTPTR ignored).</summary>
    public ulong ContextEntryReservedLowPassThrough { get; }

    /// <summary>Reserved bits of a present legacy context entry, bits 127:64.</summary>
    public ulong ContextEntryReservedHigh { get; }

    /// <summary>Reserved bits of the selected (present) half of a scalable root entry, in that half's 64 bits.</summary>
    public ulong ScalableRootHalfReserved { get; }

    /// <summary>Reserved bits of a present scalable context entry, bits 63:0.</summary>
    public ulong ScalableContextReserved0 { get; }

    /// <summary>Reserved bits of a present scalable context entry, bits 127:64 (bits 255:128 are all reserved).</summary>
    public ulong ScalableContextReserved1 { get; }

    /// <summary>Reserved bits of a present PASID-directory entry.</summary>
    public ulong PasidDirectoryReserved { get; }

    /// <summary>Reserved bits of a present PASID-table entry, word <paramref name="index"/> (0-7).</summary>
    public ulong PasidEntryReserved(int index) => _pasidEntryReserved[index];

    /// <summary>Reserved bits of a present non-leaf (PS=0) second-level entry at <paramref name="level"/> (2-5).</summary>
    public ulong TableEntryReserved(int level) => TableReservedMasks[level];

    /// <summary>Reserved bits of a present leaf second-level entry at <paramref name="level"/> (1, or 2-5 with PS=1; all of bit 7 where no such page exists).</summary>
    public ulong LeafEntryReserved(int level) => LeafReservedMasks[level];

    /// <summary>True when SAGAW advertises the legacy / PASID-entry AW encoding <paramref name="aw"/> and the model walks it (1-3).</summary>
    public bool SupportsAw(int aw) => aw is >= 1 and <= 3 && Capability.SupportsAgaw(aw);

    /// <summary>Paging levels for AW encoding <paramref name="aw"/> (AW + 2).</summary>
    public static int LevelsForAw(int aw) => aw + 2;

    /// <summary>Input address width a walk of <paramref name="levels"/> accepts: min(AGAW, MGAW + 1).</summary>
    public int InputWidth(int levels) => Math.Min(PageGeometry.InputWidth(levels), MaxInputWidth);

    /// <summary>Non-leaf masks indexed by level (0 and 1 unused), read by the walker after one range check.</summary>
    internal readonly ulong[] TableReservedMasks = new ulong[MaxLevels + 1];

    /// <summary>Leaf masks indexed by level (0 unused), read by the walker after one range check.</summary>
    internal readonly ulong[] LeafReservedMasks = new ulong[MaxLevels + 1];

    private readonly ulong[] _pasidEntryReserved = new ulong[8];
}
