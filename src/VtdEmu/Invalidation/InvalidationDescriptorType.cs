namespace VtdEmu.Invalidation;

/// <summary>Invalidation descriptor type: bits 3:0 with bits 11:9 as type[6:4] (VT-d spec §6.5.2).</summary>
public enum InvalidationDescriptorType
{
    /// <summary>cc_inv_dsc, context-cache invalidate.</summary>
    ContextCache = 0x1,

    /// <summary>iotlb_inv_dsc, IOTLB invalidate.</summary>
    Iotlb = 0x2,

    /// <summary>dev_tlb_inv_dsc, device-TLB invalidate (ECAP.DT).</summary>
    DeviceTlb = 0x3,

    /// <summary>iec_inv_dsc, interrupt-entry-cache invalidate (ECAP.IR).</summary>
    InterruptEntryCache = 0x4,

    /// <summary>inv_wait_dsc, invalidation wait.</summary>
    InvalidationWait = 0x5,

    /// <summary>p_iotlb_inv_dsc, PASID-based IOTLB invalidate (scalable mode).</summary>
    PasidIotlb = 0x6,

    /// <summary>pc_inv_dsc, PASID-cache invalidate (scalable mode).</summary>
    PasidCache = 0x7,

    /// <summary>p_dev_tlb_inv_dsc, PASID-based device-TLB invalidate (scalable mode, ECAP.DT).</summary>
    PasidDeviceTlb = 0x8,

    /// <summary>page_grp_resp_dsc, page group response (scalable mode, ECAP.PRS; VT-d spec ch. 7, page group response descriptor).</summary>
    PageGroupResponse = 0x9,
}
