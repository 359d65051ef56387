using VtdEmu.Registers;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes CAP_REG field by field (VT-d spec §11.4.2; layout in spec-notes/registers.md "Identity: VER, CAP, ECAP"):
/// one row per <see cref="CapabilityFields"/> entry, its name, bits and description from that table, and a
/// value-dependent meaning for the multi-bit fields from <see cref="CapabilityRegister"/>'s accessors.
/// </summary>
internal static class CapabilityDecoder
{
    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var cap = new CapabilityRegister(value);
        return FieldRows.Decode(CapabilityFields.All, value, field => field.Name switch
        {
            nameof(CapabilityFields.ND) => cap.ND == 7 ? "reserved encoding" : $"{FieldRows.Count(cap.DomainCount, "domain ID")} ({4 + (2 * cap.ND)}-bit DID)",
            nameof(CapabilityFields.SAGAW) => Sagaw(cap.SAGAW),
            nameof(CapabilityFields.MGAW) => $"{cap.MGAW + 1}-bit maximum guest address width",
            nameof(CapabilityFields.FRO) => $"fault recording registers at offset 0x{cap.FaultRecordingOffset:x}",
            nameof(CapabilityFields.SLLPS) => Sllps(cap.SLLPS),
            nameof(CapabilityFields.NFR) => FieldRows.Count(cap.FaultRecordingCount, "fault recording register"),
            nameof(CapabilityFields.MAMV) => $"address mask up to {cap.MAMV} (2^{cap.MAMV} pages per page-selective invalidation)",
            _ => field.Description,
        });
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
