using VtdEmu.Faults;

namespace VtdEmu.Caches;

/// <summary>The derived fields of a <see cref="ContextCacheEntry"/>, for the translate path's legacy-mode hit.</summary>
internal readonly record struct ContextSummary(
    FaultReason Fault, bool IsScalable, byte TranslationType, byte AddressWidth, ushort Did, ulong TablePointer, bool FaultProcessingDisable);
