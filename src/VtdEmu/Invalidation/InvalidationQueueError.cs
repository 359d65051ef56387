namespace VtdEmu.Invalidation;

/// <summary>IQERCD.IQEI, bits 3:0: why FSTS.IQE was set (VT-d spec §11.4.28, §6.5.2.10; spec-notes/invalidation.md
/// §5).</summary>
public enum InvalidationQueueError : byte
{
    /// <summary>No information (also: no error).</summary>
    None = 0,

    /// <summary>IQT.QT points beyond the queue size.</summary>
    InvalidTail = 1,

    /// <summary>The descriptor could not be fetched (queue outside RAM).</summary>
    FetchError = 2,

    /// <summary>Unknown or unsupported descriptor type (for the capabilities and translation table mode).</summary>
    InvalidType = 3,

    /// <summary>A reserved field is not zero, or a field holds a value the unit does not support.</summary>
    ReservedField = 4,

    /// <summary>IQA.DW does not fit the unit (256-bit without SMTS/ADMS) or the mode (128-bit with TTM 01/11).</summary>
    InvalidWidth = 5,

    /// <summary>IQT bit 4 set with 256-bit descriptors.</summary>
    TailMisaligned = 6,

    /// <summary>The latched RTADDR.TTM is reserved or unsupported.</summary>
    InvalidTranslationTableMode = 7,
}
