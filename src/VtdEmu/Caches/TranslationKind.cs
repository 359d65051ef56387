namespace VtdEmu.Caches;

/// <summary>
/// The kind of translation an IOTLB entry caches. The kind is part of the IOTLB tag, so a
/// pass-through entry never answers a lookup for a second-level translation and vice versa
/// (VT-d spec §6.2.1). Which invalidation descriptor removes an entry depends on its kind
/// (spec-notes/caching.md).
/// </summary>
public enum TranslationKind : byte
{
    /// <summary>Second-level only (legacy TT=00/01, scalable PGTT=010). Tagged by DID, not PASID.</summary>
    SecondLevel = 0,

    /// <summary>Pass-through (legacy TT=10, scalable PGTT=100). Tagged by DID, not PASID.</summary>
    PassThrough = 1,

    /// <summary>First-level only (scalable PGTT=001). Tagged by DID and PASID.</summary>
    FirstLevel = 2,

    /// <summary>Nested first-level over second-level (scalable PGTT=011). Tagged by DID and PASID.</summary>
    Nested = 3,
}
