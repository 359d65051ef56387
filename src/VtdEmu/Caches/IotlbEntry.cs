using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// One IOTLB entry (VT-d spec §6.2.3, "IOTLB"): the cached result of translating one input page.
/// Tag: <see cref="Did"/>, <see cref="Kind"/>, <see cref="Pasid"/> (first-level and nested kinds
/// only), <see cref="InputPageBase"/> and <see cref="Size"/>. Data: output page base, granted rights,
/// and — for a negative entry, which only a caching-mode (CAP.CM=1) unit may hold —
/// the <see cref="Fault"/> the translation produced.
/// </summary>
public readonly record struct IotlbEntry
{
    /// <summary>Creates an entry; the input and output addresses are truncated to <paramref name="size"/>.</summary>
    public IotlbEntry(ushort did, uint pasid, TranslationKind kind, ulong inputAddress, PageSize size, ulong outputAddress, DmaAccess rights, FaultReason fault = FaultReason.None, bool global = false)
    {
        Did = did;
        Pasid = Iotlb.UsesPasid(kind) ? pasid & Iotlb.PasidMask : 0;
        Kind = kind;
        Size = size;
        InputPageBase = inputAddress & ~OffsetMask(size);
        OutputPageBase = outputAddress & ~OffsetMask(size);
        Rights = rights & DmaAccess.ReadWrite;
        Fault = fault;
        IsGlobal = global;
    }

    /// <summary>Domain identifier the translation was made for.</summary>
    public ushort Did { get; }

    /// <summary>PASID tag (20 bits); always 0 for second-level and pass-through entries, which are not PASID-tagged.</summary>
    public uint Pasid { get; }

    /// <summary>Translation kind (second-level, pass-through, first-level, nested).</summary>
    public TranslationKind Kind { get; }

    /// <summary>Page size of the leaf.</summary>
    public PageSize Size { get; }

    /// <summary>Input (IOVA) address of the page, size-aligned.</summary>
    public ulong InputPageBase { get; }

    /// <summary>Output (host physical) address of the page, size-aligned.</summary>
    public ulong OutputPageBase { get; }

    /// <summary>R/W accumulated over the walk.</summary>
    public DmaAccess Rights { get; }

    /// <summary>The fault this translation produces; <see cref="FaultReason.None"/> for a normal entry.</summary>
    public FaultReason Fault { get; }

    /// <summary>First-level G bit: spared by PASID-selective (non-global) P_IOTLB invalidation.</summary>
    public bool IsGlobal { get; }

    /// <summary>Whether this is a negative (faulting) entry, cacheable only with CAP.CM=1.</summary>
    public bool IsNegative => Fault != FaultReason.None;

    /// <summary>Page size in bytes.</summary>
    public ulong SizeBytes => 1UL << PageShift;

    /// <summary>log2 of the page size.</summary>
    public int PageShift => ShiftOf(Size);

    /// <summary>The output address for <paramref name="inputAddress"/> inside this page.</summary>
    public ulong Translate(ulong inputAddress) => OutputPageBase | (inputAddress & OffsetMask(Size));

    /// <summary>log2 of the byte size of <paramref name="size"/>.</summary>
    public static int ShiftOf(PageSize size) => PageGeometry.LevelShift((int)size + 1);

    internal static ulong OffsetMask(PageSize size) => PageGeometry.LevelOffsetMask((int)size + 1);
}
