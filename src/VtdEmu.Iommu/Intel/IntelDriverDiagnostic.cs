namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Events the Intel driver reports instead of hanging or panicking as Linux would (every wait for the hardware is
/// bounded by <see cref="IntelDriverOptions.PollLimit"/>).
/// </summary>
public enum IntelDriverDiagnostic
{
    /// <summary>A GSTS status bit did not follow a GCMD write (Linux: "DMAR hardware is malfunctioning" panic).</summary>
    CommandTimeout,

    /// <summary>CCMD.ICC / IOTLB_REG.IVT stayed set, or an inv_wait status was never written.</summary>
    InvalidationTimeout,

    /// <summary>The unit reported CAIG / IAIG = 0: the register-based invalidation was not performed.</summary>
    InvalidationNotPerformed,

    /// <summary>The invalidation queue stayed full (IQH did not advance).</summary>
    QueueFull,

    /// <summary>FSTS.IQE: the unit rejected a descriptor; it was replaced and the error cleared.</summary>
    QueueError,

    /// <summary>Translation was already enabled at init (firmware / kdump); it was disabled (tables are not copied).</summary>
    TranslationPreEnabled,

    /// <summary>Queued invalidation was already enabled at init; it was disabled and re-enabled.</summary>
    QueuePreEnabled,

    /// <summary>The driver's page range is exhausted.</summary>
    OutOfPages,
}
