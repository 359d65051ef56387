using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Queued-invalidation descriptors the driver builds (VT-d spec §6.5.2.1–§6.5.2.8; spec-notes/invalidation.md
/// "Descriptor validation"). 128-bit form (QW0, QW1); in a 256-bit queue QW2/QW3 are written as zero.
/// </summary>
internal readonly record struct QiDescriptor(ulong Qw0, ulong Qw1)
{
    /// <summary>Granularity (5:4) of context-cache and IOTLB descriptors: global.</summary>
    public const int Global = 1;

    /// <summary>Domain-selective.</summary>
    public const int Domain = 2;

    /// <summary>Device-selective (context cache) / page-selective (IOTLB).</summary>
    public const int Selective = 3;

    /// <summary>Type 1, cc_inv_dsc: G (5:4), DID (31:16), SID (47:32), FM (49:48).</summary>
    public static QiDescriptor ContextCache(int granularity, ushort did, ushort sid, int functionMask) =>
        new(1UL | ((ulong)granularity << 4) | ((ulong)did << 16) | ((ulong)sid << 32) | ((ulong)(functionMask & 3) << 48), 0);

    /// <summary>Type 2, iotlb_inv_dsc: G (5:4), DW (6), DR (7), DID (31:16); QW1 ADDR (63:12), IH (6), AM (5:0).</summary>
    public static QiDescriptor Iotlb(int granularity, ushort did, bool drainWrites, bool drainReads, ulong address, bool ih, int am) =>
        new(
            2UL | ((ulong)granularity << 4) | (drainWrites ? 1UL << 6 : 0) | (drainReads ? 1UL << 7 : 0) | ((ulong)did << 16),
            (address & ~0xFFFUL) | (ih ? 1UL << 6 : 0) | ((ulong)am & 0x3F));

    /// <summary>
    /// Type 3, dev_tlb_inv_dsc: PFSID (15:12 and 63:52), MIP (20:16), SID (47:32); QW1 ADDR (63:12) with S (0) and
    /// the PCIe ATS size encoding (the lowest clear address bit above bit 11 sets the range) for 2^mask pages.
    /// </summary>
    public static QiDescriptor DeviceTlb(ushort sid, ushort pfsid, int mip, ulong address, int mask)
    {
        ulong qw0 = 3UL | ((ulong)(pfsid & 0xF) << 12) | ((ulong)(mip & 0x1F) << 16) | ((ulong)sid << 32) | ((ulong)(pfsid >> 4) << 52);
        ulong addr = address & ~0xFFFUL;
        if (mask == 0)
        {
            return new(qw0, addr);
        }

        // Bits 12 … 12+mask-2 set: the ATS encoding of 2^mask pages (mask ≥ 52 covers everything).
        int top = Math.Min(PageGeometry.PageShift + mask - 1, 63);
        ulong ones = (1UL << top) - 1;
        return new(qw0, ((addr | ones) & ~0xFFFUL) | 1UL);
    }

    /// <summary>PASID-cache granularity (5:4): PASID-selective-within-domain.</summary>
    public const int PasidSelective = 1;

    /// <summary>PASID-cache granularity (5:4): global (Linux's boot writes QW0 = 0x37).</summary>
    public const int PasidGlobal = 3;

    /// <summary>PASID-based IOTLB granularity (5:4): every address of one (DID, PASID).</summary>
    public const int PasidAllAddresses = 2;

    /// <summary>PASID-based IOTLB granularity (5:4): page-selective-within-PASID.</summary>
    public const int PasidPages = 3;

    /// <summary>
    /// Type 7, pc_inv_dsc (spec §6.5.2.3): G (5:4: 00 domain, 01 PASID-selective, 11 global), DID (31:16),
    /// PASID (51:32).
    /// </summary>
    public static QiDescriptor PasidCache(int granularity, ushort did, uint pasid) =>
        new(7UL | ((ulong)granularity << 4) | ((ulong)did << 16) | ((ulong)(pasid & 0xF_FFFF) << 32), 0);

    /// <summary>
    /// Type 6, p_iotlb_inv_dsc (spec §6.5.2.4): G (5:4), DID (31:16), PASID (51:32); QW1 ADDR (63:12), IH (6),
    /// AM (5:0) for the page-selective granularity.
    /// </summary>
    public static QiDescriptor PasidIotlb(int granularity, ushort did, uint pasid, ulong address, bool ih, int am) =>
        new(
            6UL | ((ulong)granularity << 4) | ((ulong)did << 16) | ((ulong)(pasid & 0xF_FFFF) << 32),
            granularity == PasidPages ? (address & ~0xFFFUL) | (ih ? 1UL << 6 : 0) | ((ulong)am & 0x3F) : 0);

    /// <summary>
    /// Type 8, p_dev_tlb_inv_dsc (spec §6.5.2.7): MIP (8:4), PFSID (15:12 and 63:52), SID (31:16), PASID (51:32);
    /// QW1 S (11) with the all-ones address above bit 12 except bit 63: every address of the PASID.
    /// </summary>
    public static QiDescriptor PasidDeviceTlbAll(ushort sid, ushort pfsid, uint pasid) =>
        new(
            8UL | ((ulong)(pfsid & 0xF) << 12) | ((ulong)sid << 16) | ((ulong)(pasid & 0xF_FFFF) << 32) | ((ulong)(pfsid >> 4) << 52),
            0x7FFF_FFFF_FFFF_F000UL | (1UL << 11));

    /// <summary>Type 5, inv_wait_dsc with SW = 1: StatusData (63:32) written to StatusAddress (QW1 63:2).</summary>
    public static QiDescriptor Wait(uint statusData, ulong statusAddress) =>
        new(5UL | (1UL << 5) | ((ulong)statusData << 32), statusAddress & ~0x3UL);

    /// <summary>Type 5 with neither SW nor IF: an ordering point (replaces a descriptor the hardware rejected).</summary>
    public static QiDescriptor Nop() => new(5UL, 0);
}
