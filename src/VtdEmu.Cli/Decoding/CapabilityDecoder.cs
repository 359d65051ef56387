using VtdEmu.Registers;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes CAP_REG field by field (VT-d spec §11.4.2; layout in spec-notes/registers.md "Identity: VER, CAP, ECAP"),
/// using <see cref="CapabilityRegister"/>'s accessors for every value.
/// </summary>
internal static class CapabilityDecoder
{
    /// <summary>Bits 15:13, 23, 38 and 58:57: reserved in the spec revisions modelled.</summary>
    public const ulong ReservedMask = 0x0600_0040_0080_E000;

    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var cap = new CapabilityRegister(value);
        List<RegisterFieldRow> rows =
        [
            new("ND", 2, 0, (ulong)cap.ND, cap.ND == 7 ? "reserved encoding" : $"{FieldRows.Count(cap.DomainCount, "domain ID")} ({4 + (2 * cap.ND)}-bit DID)"),
            FieldRows.Flag("AFL", 3, cap.AFL, "advanced fault logging"),
            FieldRows.Flag("RWBF", 4, cap.RWBF, "required write-buffer flushing"),
            FieldRows.Flag("PLMR", 5, cap.PLMR, "protected low-memory region"),
            FieldRows.Flag("PHMR", 6, cap.PHMR, "protected high-memory region"),
            FieldRows.Flag("CM", 7, cap.CM, "caching mode (not-present and erroneous entries may be cached)"),
            new("SAGAW", 12, 8, (ulong)cap.SAGAW, Sagaw(cap.SAGAW)),
            new("MGAW", 21, 16, (ulong)cap.MGAW, $"{cap.MGAW + 1}-bit maximum guest address width"),
            FieldRows.Flag("ZLR", 22, cap.ZLR, "zero-length reads to write-only pages"),
            new("FRO", 33, 24, (ulong)cap.FRO, $"fault recording registers at offset 0x{cap.FaultRecordingOffset:x}"),
            new("SLLPS", 37, 34, (ulong)cap.SLLPS, Sllps(cap.SLLPS)),
            FieldRows.Flag("PSI", 39, cap.PSI, "page-selective invalidation"),
            new("NFR", 47, 40, (ulong)cap.NFR, FieldRows.Count(cap.FaultRecordingCount, "fault recording register")),
            new("MAMV", 53, 48, (ulong)cap.MAMV, $"address mask up to {cap.MAMV} (2^{cap.MAMV} pages per page-selective invalidation)"),
            FieldRows.Flag("DWD", 54, cap.DWD, "write draining"),
            FieldRows.Flag("DRD", 55, cap.DRD, "read draining"),
            FieldRows.Flag("FL1GP", 56, cap.FL1GP, "first-level 1-GiB pages"),
            FieldRows.Flag("PI", 59, cap.PI, "posted interrupts"),
            FieldRows.Flag("FL5LP", 60, cap.FL5LP, "first-level 5-level paging"),
            FieldRows.Flag("ECMDS", 61, cap.ECMDS, "enhanced command support"),
            FieldRows.Flag("ESIRTPS", 62, cap.ESIRTPS, "SIRTP also invalidates the interrupt-entry cache"),
            FieldRows.Flag("ESRTPS", 63, cap.ESRTPS, "SRTP also invalidates all DMA-remapping caches"),
        ];
        if (FieldRows.Reserved(value, ReservedMask) is { } reserved)
        {
            rows.Add(reserved);
        }

        return rows;
    }

    /// <summary>SAGAW bit i advertises AW encoding i (spec §11.4.2): 1 = 39-bit, 2 = 48-bit, 3 = 57-bit.</summary>
    private static string Sagaw(int sagaw)
    {
        string[] names = ["30-bit 2-level (reserved)", "39-bit 3-level", "48-bit 4-level", "57-bit 5-level", "64-bit 6-level (reserved)"];
        List<string> set = [];
        for (int aw = 0; aw < names.Length; aw++)
        {
            if (((sagaw >> aw) & 1) != 0)
            {
                set.Add(names[aw]);
            }
        }

        return set.Count == 0 ? "no address width supported" : string.Join(", ", set);
    }

    private static string Sllps(int sllps)
    {
        string[] names = ["2-MiB", "1-GiB", "512-GiB (reserved)", "1-TiB (reserved)"];
        List<string> set = [];
        for (int bit = 0; bit < names.Length; bit++)
        {
            if (((sllps >> bit) & 1) != 0)
            {
                set.Add(names[bit]);
            }
        }

        return set.Count == 0 ? "no large pages (4 KiB only)" : "large pages: " + string.Join(", ", set);
    }
}
