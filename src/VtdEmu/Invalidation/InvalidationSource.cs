namespace VtdEmu.Invalidation;

/// <summary>Which interface issued an invalidation (VT-d spec §6.5.1 register-based, §6.5.2 queued, §11.4.4 SRTP/SIRTP).</summary>
public enum InvalidationSource
{
    /// <summary>CCMD_REG or IOTLB_REG.</summary>
    Register,

    /// <summary>A descriptor in the invalidation queue.</summary>
    Queue,

    /// <summary>GCMD.SRTP with CAP.ESRTPS or GCMD.SIRTP with CAP.ESIRTPS (implicit global invalidation).</summary>
    TablePointer,
}
