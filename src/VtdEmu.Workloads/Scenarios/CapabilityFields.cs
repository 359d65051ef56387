using System.Collections.Immutable;
using System.Globalization;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// The fields of CAP_REG (VT-d spec §11.4.2) and ECAP_REG (§11.4.3) by name and bit range, so that
/// a platform refusing a <c>cap</c>/<c>ecap</c> override can name the field it cannot honour.
/// Bits outside every field are reserved. Must agree with <see cref="Registers.CapabilityRegister"/>
/// and <see cref="Registers.ExtendedCapabilityRegister"/> (checked by tests).
/// </summary>
public static class CapabilityFields
{
    public static ImmutableArray<CapabilityField> Cap { get; } =
    [
        new("ND", 2, 0), new("AFL", 3, 3), new("RWBF", 4, 4), new("PLMR", 5, 5), new("PHMR", 6, 6),
        new("CM", 7, 7), new("SAGAW", 12, 8), new("MGAW", 21, 16), new("ZLR", 22, 22), new("FRO", 33, 24),
        new("SLLPS", 37, 34), new("PSI", 39, 39), new("NFR", 47, 40), new("MAMV", 53, 48), new("DWD", 54, 54),
        new("DRD", 55, 55), new("FL1GP", 56, 56), new("PI", 59, 59), new("FL5LP", 60, 60), new("ECMDS", 61, 61),
        new("ESIRTPS", 62, 62), new("ESRTPS", 63, 63),
    ];

    public static ImmutableArray<CapabilityField> Ecap { get; } =
    [
        new("C", 0, 0), new("QI", 1, 1), new("DT", 2, 2), new("IR", 3, 3), new("EIM", 4, 4), new("PT", 6, 6),
        new("SC", 7, 7), new("IRO", 17, 8), new("MHMV", 23, 20), new("MTS", 25, 25), new("NEST", 26, 26),
        new("PRS", 29, 29), new("ERS", 30, 30), new("SRS", 31, 31), new("NWFS", 33, 33), new("EAFS", 34, 34),
        new("PSS", 39, 35), new("PASID", 40, 40), new("DIT", 41, 41), new("PDS", 42, 42), new("SMTS", 43, 43),
        new("VCS", 44, 44), new("SLADS", 45, 45), new("SLTS", 46, 46), new("FLTS", 47, 47), new("SMPWCS", 48, 48),
        new("RPS", 49, 49), new("PMS", 51, 51), new("ADMS", 52, 52), new("RPRIVS", 53, 53),
    ];

    /// <summary>The field of <paramref name="fields"/> that holds <paramref name="bit"/>, or null for a reserved bit.</summary>
    public static CapabilityField? FieldAt(ImmutableArray<CapabilityField> fields, int bit)
    {
        foreach (CapabilityField field in fields)
        {
            if (bit >= field.Lsb && bit <= field.Msb)
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks an override against the bits a model can honour: null when every set bit of
    /// <paramref name="requested"/> lies in <paramref name="honoured"/>, else a message naming each
    /// field (or reserved bit) that does not, e.g. <c>CAP.PI (bit 59) is not supported by the model</c>.
    /// </summary>
    /// <param name="register"><c>CAP</c> or <c>ECAP</c>, for the message.</param>
    /// <param name="fields"><see cref="Cap"/> or <see cref="Ecap"/>.</param>
    /// <param name="requested">The value of the <c>cap</c>/<c>ecap</c> directive.</param>
    /// <param name="honoured">The bits the model can set.</param>
    public static string? CheckHonoured(string register, ImmutableArray<CapabilityField> fields, ulong requested, ulong honoured)
    {
        ulong refused = requested & ~honoured;
        if (refused == 0)
        {
            return null;
        }

        List<string> names = [];
        for (int bit = 0; bit < 64; bit++)
        {
            if (((refused >> bit) & 1) == 0)
            {
                continue;
            }

            string name = FieldAt(fields, bit) is { } field
                ? $"{register}.{field}"
                : $"{register} reserved bit {bit.ToString(CultureInfo.InvariantCulture)}";
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return $"{string.Join(", ", names)} {(names.Count == 1 ? "is" : "are")} not supported by the model";
    }
}
