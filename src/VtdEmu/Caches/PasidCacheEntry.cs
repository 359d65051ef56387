using System.Runtime.CompilerServices;
using VtdEmu.Faults;

namespace VtdEmu.Caches;

/// <summary>
/// One PASID-cache entry (VT-d spec §6.2.2.1, scalable mode): the raw 512-bit PASID-table entry for
/// (source-id, PASID) as read when cached, plus derived fields. Tagged for invalidation by the
/// entry's <see cref="Did"/> and <see cref="Pasid"/>. A negative entry (caching mode only) carries
/// the fault the PASID entry produced.
/// </summary>
public readonly struct PasidCacheEntry
{
    /// <summary>Words in a 512-bit PASID-table entry.</summary>
    public const int WordCount = 8;

    private readonly Words _words;

    /// <summary>Creates an entry from up to 8 raw words and the derived fields.</summary>
    public PasidCacheEntry(
        ushort sourceId,
        uint pasid,
        ushort did,
        ReadOnlySpan<ulong> rawWords,
        FaultReason fault = FaultReason.None,
        byte pasidGranularTranslationType = 0,
        byte addressWidth = 0,
        ulong tablePointer = 0,
        bool fpd = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rawWords.Length, WordCount);
        SourceId = sourceId;
        Pasid = pasid & Iotlb.PasidMask;
        Did = did;
        rawWords.CopyTo(_words);
        Fault = fault;
        PasidGranularTranslationType = pasidGranularTranslationType;
        AddressWidth = addressWidth;
        TablePointer = tablePointer;
        Fpd = fpd;
    }

    /// <summary>Requester source-id the entry was fetched for (lookup key with <see cref="Pasid"/>).</summary>
    public ushort SourceId { get; }

    /// <summary>PASID (20 bits).</summary>
    public uint Pasid { get; }

    /// <summary>DID from the PASID entry (bits 79:64); 0 for a negative entry.</summary>
    public ushort Did { get; }

    /// <summary>The fault resolving this entry produced; <see cref="FaultReason.None"/> for a usable entry.</summary>
    public FaultReason Fault { get; }

    /// <summary>Whether this is a negative (caching-mode) entry.</summary>
    public bool IsNegative => Fault != FaultReason.None;

    /// <summary>Derived: PGTT (bits 8:6).</summary>
    public byte PasidGranularTranslationType { get; }

    /// <summary>Derived: AW / paging levels as the resolver encodes it.</summary>
    public byte AddressWidth { get; }

    /// <summary>Derived: SLPTPTR or FLPTPTR, whichever the PGTT uses.</summary>
    public ulong TablePointer { get; }

    /// <summary>Derived: FPD.</summary>
    public bool Fpd { get; }

    /// <summary>Raw word <paramref name="index"/> (0..7).</summary>
    public ulong Word(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, WordCount);
        return _words[index];
    }

    [InlineArray(WordCount)]
    private struct Words
    {
        private ulong _element0;
    }
}
