using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>
/// The outcome of one translation: the output page and granted rights, or the fault that blocks
/// the request. A blocked request stays blocked when <see cref="Suppressed"/> is set; suppression
/// only decides whether the fault is recorded (VT-d spec §7.1.1).
/// </summary>
public readonly struct TranslationResult
{
    // Word-sized properties first: declaration order is field order, and this packs the struct into
    // 24 bytes, copied once per translation through every return.
    /// <summary>The host physical address for the request's address (valid on success).</summary>
    public ulong OutputAddress { get; init; }

    /// <summary>log2 of the page size that produced the translation (12, 21 or 30).</summary>
    public int PageShift { get; init; }

    /// <summary>How many translation-structure entries were read from guest memory (root, context, PASID, paging).</summary>
    public int TableReads { get; init; }

    /// <summary>The domain id of the context or PASID entry (0 when the fault came before it was read).</summary>
    public ushort Did { get; init; }

    /// <summary>The fault that blocks the request, or <see cref="FaultReason.None"/> when it was translated.</summary>
    public FaultReason Fault { get; init; }

    /// <summary>True when <see cref="Fault"/> is qualified and an entry met on the way had FPD=1: the request is blocked but not recorded.</summary>
    public bool Suppressed { get; init; }

    /// <summary>True when abort-DMA mode (TTM=11b) blocked the request; no fault is recorded.</summary>
    public bool Aborted { get; init; }

    /// <summary>The page size in bytes.</summary>
    public ulong PageSize => PageShift == 0 ? 0 : 1UL << PageShift;

    /// <summary>Read right accumulated over the walk (AND of every level).</summary>
    public bool Read { get; init; }

    /// <summary>Write right accumulated over the walk (AND of every level).</summary>
    public bool Write { get; init; }

    /// <summary>True when the request may proceed to <see cref="OutputAddress"/>.</summary>
    public bool IsSuccess => Fault == FaultReason.None && !Aborted;

    /// <summary>True when the unit must record the fault (a fault that is neither suppressed nor an abort).</summary>
    public bool ShouldRecord => Fault != FaultReason.None && !Suppressed;

    /// <summary>A fault result.</summary>
    public static TranslationResult Faulted(FaultReason fault, int tableReads) => new() { Fault = fault, TableReads = tableReads };

    public override string ToString() =>
        Aborted ? $"aborted (TTM=11b), reads={TableReads}"
        : Fault != FaultReason.None ? $"fault {Fault} (0x{(byte)Fault:X2}){(Suppressed ? " suppressed" : string.Empty)} did={Did} reads={TableReads}"
        : $"0x{OutputAddress:X} page=2^{PageShift} {(Read ? "R" : "-")}{(Write ? "W" : "-")} did={Did} reads={TableReads}";
}
