namespace VtdEmu.Invalidation;

/// <summary>
/// The two-bit granularity of a context-cache or IOTLB invalidation (VT-d spec §6.5.1, §6.5.2.1–§6.5.2.2):
/// CCMD.CIRG / CAIG (bits 62:61 / 60:59), IOTLB_REG.IIRG / IAIG (61:60 / 58:57) and the G field (5:4) of
/// cc_inv_dsc and iotlb_inv_dsc. The PASID-based descriptors encode G differently and are not covered.
/// </summary>
public enum InvalidationGranularity
{
    /// <summary>00: reserved in a request; in CAIG / IAIG, "not performed".</summary>
    None = 0b00,

    /// <summary>01: global.</summary>
    Global = 0b01,

    /// <summary>10: domain-selective (DID).</summary>
    DomainSelective = 0b10,

    /// <summary>11 for the context cache: device-selective (SID with FM, and DID).</summary>
    DeviceSelective = 0b11,

    /// <summary>11 for the IOTLB: page-selective within a domain (DID, ADDR, AM, IH).</summary>
    PageSelective = 0b11,
}
