using System.Runtime.CompilerServices;
using VtdEmu.Faults;

namespace VtdEmu.Caches;

/// <summary>
/// One context-cache entry (VT-d spec §6.2.2): the raw context entry of one source-id — 128-bit
/// legacy (two words) or 256-bit scalable (four words) — as it was read when cached, plus what
/// context resolution derived from it. A negative entry (<see cref="Fault"/> set; caching mode only)
/// remembers that the entry was not present or invalid. Tagged by <see cref="SourceId"/> for lookup
/// and by <see cref="Did"/> for invalidation (legacy entries; scalable entries carry no DID).
/// </summary>
public readonly struct ContextCacheEntry
{
    /// <summary>Words in a 256-bit scalable-mode context entry.</summary>
    public const int MaxWords = 4;

    private readonly Words _words;

    /// <summary>Creates an entry from the raw words (2 for legacy, 4 for scalable) and the derived fields.</summary>
    public ContextCacheEntry(
        ushort sourceId,
        ushort did,
        ReadOnlySpan<ulong> rawWords,
        FaultReason fault = FaultReason.None,
        byte translationType = 0,
        byte addressWidth = 0,
        ulong tablePointer = 0,
        bool fpd = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rawWords.Length, MaxWords);
        SourceId = sourceId;
        Did = did;
        IsScalable = rawWords.Length > 2;
        rawWords.CopyTo(_words);
        Fault = fault;
        TranslationType = translationType;
        AddressWidth = addressWidth;
        TablePointer = tablePointer;
        Fpd = fpd;
    }

    /// <summary>Source-id (bus:dev.fn) whose context entry this is.</summary>
    public ushort SourceId { get; }

    /// <summary>DID (legacy context entry bits 87:72; 0 for a caching-mode negative entry, §6.1). Not meaningful for scalable entries.</summary>
    public ushort Did { get; }

    /// <summary>Whether the entry is a 256-bit scalable-mode context entry.</summary>
    public bool IsScalable { get; }

    /// <summary>The fault resolving this entry produced; <see cref="FaultReason.None"/> for a usable entry.</summary>
    public FaultReason Fault { get; }

    /// <summary>Whether this is a negative (caching-mode) entry.</summary>
    public bool IsNegative => Fault != FaultReason.None;

    /// <summary>Derived: translation type (legacy TT, or scalable DTE/PASIDE-related mode as the resolver encodes it).</summary>
    public byte TranslationType { get; }

    /// <summary>Derived: address width / paging levels as the resolver encodes it (legacy AW).</summary>
    public byte AddressWidth { get; }

    /// <summary>Derived: SLPTPTR (legacy) or PASIDDIRPTR (scalable).</summary>
    public ulong TablePointer { get; }

    /// <summary>Derived: FPD, fault processing disable.</summary>
    public bool Fpd { get; }

    /// <summary>Number of raw words held (2 or 4).</summary>
    public int WordCount => IsScalable ? MaxWords : 2;

    /// <summary>Raw word <paramref name="index"/> (bits 64*index+63 : 64*index).</summary>
    public ulong Word(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, WordCount);
        return _words[index];
    }

    [InlineArray(MaxWords)]
    private struct Words
    {
        private ulong _element0;
    }
}
