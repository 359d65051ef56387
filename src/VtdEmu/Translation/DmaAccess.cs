namespace VtdEmu.Translation;

/// <summary>
/// The rights a DMA request needs. The values match the R (bit 0) and W (bit 1) bits of a
/// second-level paging entry, so a permission check is one AND. An AtomicOp needs both.
/// </summary>
[Flags]
public enum DmaAccess : byte
{
    /// <summary>No rights requested.</summary>
    None = 0,

    /// <summary>A memory read.</summary>
    Read = 1,

    /// <summary>A memory write.</summary>
    Write = 2,

    /// <summary>A read and a write (AtomicOp).</summary>
    ReadWrite = Read | Write,
}
