namespace VtdEmu.Translation;

/// <summary>
/// How a resolved context translates untranslated requests. It is also part of the IOTLB tag, so a
/// pass-through entry never answers a lookup for a second-level translation and vice versa
/// (VT-d spec §6.2.1), and which invalidation descriptor removes an entry depends on it
/// (spec-notes/caching.md).
/// </summary>
public enum TranslationKind : byte
{
    /// <summary>Walk the second-level tables from SLPTPTR (legacy TT 00/01, scalable PGTT 010). IOTLB entries tagged by DID, not PASID.</summary>
    SecondLevel = 0,

    /// <summary>Output = input (legacy TT 10, scalable PGTT 100). IOTLB entries tagged by DID, not PASID.</summary>
    PassThrough = 1,

    /// <summary>First-level only (scalable PGTT 001). IOTLB entries tagged by DID and PASID.</summary>
    FirstLevel = 2,

    /// <summary>Nested first-level over second-level (scalable PGTT 011; not walked by this model). IOTLB entries tagged by DID and PASID.</summary>
    Nested = 3,
}
