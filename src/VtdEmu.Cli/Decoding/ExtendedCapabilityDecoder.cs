using VtdEmu.Registers;

namespace VtdEmu.Cli.Decoding;

/// <summary>
/// Decodes ECAP_REG field by field (VT-d spec §11.4.3; layout in spec-notes/registers.md "Identity: VER, CAP, ECAP"):
/// one row per <see cref="ExtendedCapabilityFields"/> entry, its name, bits and description from that table, and a
/// value-dependent meaning for the multi-bit fields from <see cref="ExtendedCapabilityRegister"/>'s accessors.
/// </summary>
internal static class ExtendedCapabilityDecoder
{
    public static IReadOnlyList<RegisterFieldRow> Decode(ulong value)
    {
        var ecap = new ExtendedCapabilityRegister(value);
        return FieldRows.Decode(ExtendedCapabilityFields.All, value, field => field.Name switch
        {
            nameof(ExtendedCapabilityFields.IRO) => $"IVA_REG at offset 0x{ecap.IotlbRegisterOffset:x}, IOTLB_REG at 0x{ecap.IotlbRegisterOffset + 8:x}",
            nameof(ExtendedCapabilityFields.MHMV) => $"interrupt-entry cache invalidation handle mask up to {ecap.MHMV}",
            nameof(ExtendedCapabilityFields.PSS) => ecap.PASID ? $"{ecap.PSS + 1}-bit PASIDs" : $"{ecap.PSS + 1}-bit PASIDs (unused: PASID=0)",
            _ => field.Description,
        });
    }
}
