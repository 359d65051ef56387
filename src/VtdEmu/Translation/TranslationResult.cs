using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>
/// The outcome of one translation: the output page and granted rights, or the fault that blocks
/// the request. A blocked request stays blocked when <see cref="Suppressed"/> is set; suppression
/// only decides whether the fault is recorded (VT-d spec §7.1.1).
/// </summary>
public readonly struct TranslationResult
{
    // Two words: the output address and every other field packed into one word. A 16-byte struct of two
    // integers is returned in registers and copied whole, so building a result and then completing it
    // (DID, table reads, suppression) never mixes narrow stores with wide loads of the same bytes — the
    // store-forwarding stalls that made the old 24-byte layout cost several nanoseconds per request.
    private const int PageShiftShift = 0;     // bits 7:0
    private const int FaultShift = 8;         // bits 15:8
    private const int DidShift = 16;          // bits 31:16
    private const int TableReadsShift = 32;   // bits 47:32
    private const ulong SuppressedBit = 1UL << 48;
    private const ulong AbortedBit = 1UL << 49;
    private const ulong ReadBit = 1UL << 50;
    private const ulong WriteBit = 1UL << 51;

    private readonly ulong _info;

    // The hot path builds results with this constructor and the factories below, never with object
    // initializers or `with`: those go through a zeroed temporary the JIT copies field by field.
    private TranslationResult(ulong outputAddress, ulong info)
    {
        OutputAddress = outputAddress;
        _info = info;
    }

    /// <summary>The host physical address for the request's address (valid on success).</summary>
    public ulong OutputAddress { get; init; }

    /// <summary>log2 of the page size that produced the translation (12, 21 or 30).</summary>
    public int PageShift { get => (byte)((_info >> PageShiftShift) & byte.MaxValue); init => _info = With(_info, PageShiftShift, byte.MaxValue, unchecked((uint)value)); }

    /// <summary>How many translation-structure entries were read from guest memory (root, context, PASID, paging); at most 65,535.</summary>
    public int TableReads { get => (ushort)((_info >> TableReadsShift) & ushort.MaxValue); init => _info = With(_info, TableReadsShift, ushort.MaxValue, unchecked((uint)value)); }

    /// <summary>The domain id of the context or PASID entry (0 when the fault came before it was read).</summary>
    public ushort Did { get => (ushort)((_info >> DidShift) & ushort.MaxValue); init => _info = With(_info, DidShift, ushort.MaxValue, value); }

    /// <summary>The fault that blocks the request, or <see cref="FaultReason.None"/> when it was translated.</summary>
    public FaultReason Fault { get => (FaultReason)(byte)((_info >> FaultShift) & byte.MaxValue); init => _info = With(_info, FaultShift, byte.MaxValue, (byte)value); }

    /// <summary>True when <see cref="Fault"/> is qualified and an entry met on the way had FPD=1: the request is blocked but not recorded.</summary>
    public bool Suppressed { get => (_info & SuppressedBit) != 0; init => _info = value ? _info | SuppressedBit : _info & ~SuppressedBit; }

    /// <summary>True when abort-DMA mode (TTM=11b) blocked the request; no fault is recorded.</summary>
    public bool Aborted { get => (_info & AbortedBit) != 0; init => _info = value ? _info | AbortedBit : _info & ~AbortedBit; }

    /// <summary>The page size in bytes.</summary>
    public ulong PageSize => PageShift == 0 ? 0 : 1UL << PageShift;

    /// <summary>Read right accumulated over the walk (AND of every level).</summary>
    public bool Read { get => (_info & ReadBit) != 0; init => _info = value ? _info | ReadBit : _info & ~ReadBit; }

    /// <summary>Write right accumulated over the walk (AND of every level).</summary>
    public bool Write { get => (_info & WriteBit) != 0; init => _info = value ? _info | WriteBit : _info & ~WriteBit; }

    /// <summary>True when the request may proceed to <see cref="OutputAddress"/>.</summary>
    public bool IsSuccess => Fault == FaultReason.None && !Aborted;

    /// <summary>True when the unit must record the fault (a fault that is neither suppressed nor an abort).</summary>
    public bool ShouldRecord => Fault != FaultReason.None && !Suppressed;

    /// <summary>A fault result.</summary>
    public static TranslationResult Faulted(FaultReason fault, int tableReads) =>
        new(0, ((ulong)(byte)fault << FaultShift) | Reads(tableReads));

    /// <summary>A translation to <paramref name="outputAddress"/> in a page of 2^<paramref name="pageShift"/> bytes granting <paramref name="rights"/> (R/W in bits 1:0).</summary>
    internal static TranslationResult Translated(ulong outputAddress, int pageShift, ulong rights, int tableReads) =>
        new(outputAddress, ((ulong)unchecked((uint)pageShift) & byte.MaxValue) | ((rights & 3) * ReadBit) | Reads(tableReads));

    /// <summary>A result blocked by abort-DMA mode.</summary>
    internal static TranslationResult AbortedByMode { get; } = new(0, AbortedBit);

    /// <summary>
    /// This result completed by the context it was translated in: its <paramref name="did"/>, the
    /// context's <paramref name="contextReads"/> added to the reads, and <see cref="Suppressed"/> set
    /// when <paramref name="suppress"/> (FPD met and the fault qualified).
    /// </summary>
    internal TranslationResult InContext(ushort did, int contextReads, bool suppress) =>
        new(
            OutputAddress,
            With(With(_info, DidShift, ushort.MaxValue, did), TableReadsShift, ushort.MaxValue, unchecked((uint)(TableReads + contextReads)))
            | (suppress ? SuppressedBit : 0));

    // R and W are adjacent bits, so rights (R=1, W=2) times ReadBit sets exactly the granted ones.
    private static ulong Reads(int tableReads) => ((ulong)unchecked((uint)tableReads) & ushort.MaxValue) << TableReadsShift;

    // Values wider than their field are cut to it (table reads never come near 65,535).
    private static ulong With(ulong info, int shift, ulong mask, ulong value) => (info & ~(mask << shift)) | ((value & mask) << shift);

    public override string ToString() =>
        Aborted ? $"aborted (TTM=11b), reads={TableReads}"
        : Fault != FaultReason.None ? $"fault {Fault} (0x{(byte)Fault:X2}){(Suppressed ? " suppressed" : string.Empty)} did={Did} reads={TableReads}"
        : $"0x{OutputAddress:X} page=2^{PageShift} {(Read ? "R" : "-")}{(Write ? "W" : "-")} did={Did} reads={TableReads}";
}
