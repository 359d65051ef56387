using VtdEmu.Registers;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes ECAP_REG field by field (VT-d spec §11.4.3; layout in spec-notes/registers.md "Identity: VER, CAP, ECAP"),
/// using <see cref="ExtendedCapabilityRegister"/>'s accessors for every value.
/// </summary>
internal static class ExtendedCapabilityDecoder
{
    /// <summary>
    /// Bits 5, 19:18, 24, 27, 28, 32, 50 and 63:54: reserved (or not confirmed by an architecture
    /// spec revision, such as TDXIO at 50 and SMS at 58) in the revisions modelled.
    /// </summary>
    public const ulong ReservedMask = 0xFFC4_0001_190C_0020;

    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var ecap = new ExtendedCapabilityRegister(value);
        List<RegisterFieldRow> rows =
        [
            FieldRows.Flag("C", 0, ecap.Coherent, "page-walk coherency"),
            FieldRows.Flag("QI", 1, ecap.QI, "queued invalidation"),
            FieldRows.Flag("DT", 2, ecap.DT, "device-TLB"),
            FieldRows.Flag("IR", 3, ecap.IR, "interrupt remapping"),
            FieldRows.Flag("EIM", 4, ecap.EIM, "extended interrupt mode (x2APIC)"),
            FieldRows.Flag("PT", 6, ecap.PT, "pass-through"),
            FieldRows.Flag("SC", 7, ecap.SC, "snoop control"),
            new("IRO", 17, 8, (ulong)ecap.IRO, $"IVA_REG at offset 0x{ecap.IotlbRegisterOffset:x}, IOTLB_REG at 0x{ecap.IotlbRegisterOffset + 8:x}"),
            new("MHMV", 23, 20, (ulong)ecap.MHMV, $"interrupt-entry cache invalidation handle mask up to {ecap.MHMV}"),
            FieldRows.Flag("MTS", 25, ecap.MTS, "memory type support"),
            FieldRows.Flag("NEST", 26, ecap.NEST, "nested translation"),
            FieldRows.Flag("PRS", 29, ecap.PRS, "page requests"),
            FieldRows.Flag("ERS", 30, ecap.ERS, "execute requests"),
            FieldRows.Flag("SRS", 31, ecap.SRS, "supervisor requests"),
            FieldRows.Flag("NWFS", 33, ecap.NWFS, "no-write flag"),
            FieldRows.Flag("EAFS", 34, ecap.EAFS, "extended-accessed flag"),
            new("PSS", 39, 35, (ulong)ecap.PSS, ecap.PASID ? $"{ecap.PSS + 1}-bit PASIDs" : $"{ecap.PSS + 1}-bit PASIDs (unused: PASID=0)"),
            FieldRows.Flag("PASID", 40, ecap.PASID, "process address space IDs"),
            FieldRows.Flag("DIT", 41, ecap.DIT, "device-TLB invalidation throttle"),
            FieldRows.Flag("PDS", 42, ecap.PDS, "page-request drain"),
            FieldRows.Flag("SMTS", 43, ecap.SMTS, "scalable-mode translation"),
            FieldRows.Flag("VCS", 44, ecap.VCS, "virtual command (deprecated)"),
            FieldRows.Flag("SLADS", 45, ecap.SLADS, "second-level accessed/dirty"),
            FieldRows.Flag("SLTS", 46, ecap.SLTS, "second-level translation in scalable mode"),
            FieldRows.Flag("FLTS", 47, ecap.FLTS, "first-level translation in scalable mode"),
            FieldRows.Flag("SMPWCS", 48, ecap.SMPWCS, "scalable-mode page-walk coherency"),
            FieldRows.Flag("RPS", 49, ecap.RPS, "RID_PASID field"),
            FieldRows.Flag("PMS", 51, ecap.PMS, "performance monitoring"),
            FieldRows.Flag("ADMS", 52, ecap.ADMS, "abort-DMA mode"),
            FieldRows.Flag("RPRIVS", 53, ecap.RPRIVS, "RID_PRIV field"),
        ];
        if (FieldRows.Reserved(value, ReservedMask) is { } reserved)
        {
            rows.Add(reserved);
        }

        return rows;
    }
}
