namespace VtdEmu.Invalidation;

/// <summary>
/// What an invalidation request asked for, at the granularity actually performed (VT-d spec §6.5:
/// CCMD_REG, IOTLB_REG and the queued descriptors of §6.5.2). Used to index <see cref="InvalidationStatistics"/>.
/// </summary>
public enum InvalidationRequest
{
    /// <summary>Context cache, global (CIRG/CAIG or cc_inv_dsc G = 01).</summary>
    ContextGlobal,

    /// <summary>Context cache, domain-selective (G = 10).</summary>
    ContextDomain,

    /// <summary>Context cache, device-selective: SID with FM (G = 11).</summary>
    ContextDevice,

    /// <summary>IOTLB and paging-structure caches, global (IIRG/IAIG or iotlb_inv_dsc G = 01).</summary>
    IotlbGlobal,

    /// <summary>IOTLB, domain-selective (G = 10).</summary>
    IotlbDomain,

    /// <summary>IOTLB, page-selective within a domain (G = 11, ADDR/AM/IH).</summary>
    IotlbPage,

    /// <summary>p_iotlb_inv_dsc G = 10: non-global first-level / nested entries of (DID, PASID).</summary>
    PasidIotlbNonGlobal,

    /// <summary>p_iotlb_inv_dsc G = 11: page-selective within (DID, PASID).</summary>
    PasidIotlbPage,

    /// <summary>pc_inv_dsc G = 00: every PASID of a DID.</summary>
    PasidCacheDomain,

    /// <summary>pc_inv_dsc G = 01: one (DID, PASID).</summary>
    PasidCachePasid,

    /// <summary>pc_inv_dsc G = 11: the whole PASID cache.</summary>
    PasidCacheGlobal,

    /// <summary>dev_tlb_inv_dsc (type 3) sent to a device (device-TLB contents are not modelled).</summary>
    DeviceTlb,

    /// <summary>p_dev_tlb_inv_dsc (type 8) sent to a device.</summary>
    PasidDeviceTlb,

    /// <summary>Interrupt entry cache, global (iec_inv_dsc G = 0, or SIRTP with ESIRTPS). Not modelled beyond counting.</summary>
    InterruptEntryGlobal,

    /// <summary>Interrupt entry cache, index-selective (iec_inv_dsc G = 1, IIDX/IM). Not modelled beyond counting.</summary>
    InterruptEntryIndex,
}
