using VtdEmu.Faults;

namespace VtdEmu.Caches;

/// <summary>The derived fields of a <see cref="ContextCacheEntry"/>, for the translate path's legacy-mode hit.</summary>
// The word-sized field first so the struct packs into 16 bytes (it is copied out of the seqlock on every hit).
internal readonly record struct ContextSummary(
    ulong TablePointer, ushort Did, FaultReason Fault, bool IsScalable, byte TranslationType, byte AddressWidth, bool Fpd);
