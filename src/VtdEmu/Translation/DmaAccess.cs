namespace VtdEmu.Translation;

/// <summary>
/// Read/write rights, both the rights a DMA request needs and the rights a translation grants (the
/// R and W bits ANDed down the walk, VT-d spec §3.6, §6.2.3; stored with IOTLB and
/// paging-structure-cache entries). The values match the R (bit 0) and W (bit 1) bits of a
/// second-level paging entry, so a permission check is one AND. An AtomicOp needs both.
/// </summary>
[Flags]
public enum DmaAccess : byte
{
    /// <summary>No rights requested or granted.</summary>
    None = 0,

    /// <summary>R: a memory read (and, for the IOTLB, a translation-request read).</summary>
    Read = 1,

    /// <summary>W: a memory write.</summary>
    Write = 2,

    /// <summary>A read and a write (AtomicOp).</summary>
    ReadWrite = Read | Write,
}
