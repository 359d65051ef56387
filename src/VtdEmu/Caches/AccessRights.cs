namespace VtdEmu.Caches;

/// <summary>
/// Access rights a cached translation grants: the R and W bits ANDed down the walk (VT-d spec §3.6,
/// §6.2.3). Stored with IOTLB and paging-structure-cache entries.
/// </summary>
[Flags]
public enum AccessRights : byte
{
    /// <summary>Neither read nor write is permitted.</summary>
    None = 0,

    /// <summary>R: read (and, for the IOTLB, translation-request read) permitted.</summary>
    Read = 1,

    /// <summary>W: write permitted.</summary>
    Write = 2,

    /// <summary>Both R and W.</summary>
    ReadWrite = Read | Write,
}
