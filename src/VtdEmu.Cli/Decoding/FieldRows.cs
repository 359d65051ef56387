using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Decoding;

/// <summary>Helpers shared by the register and table-entry decoders.</summary>
internal static class FieldRows
{
    /// <summary>
    /// One row per field of <paramref name="fields"/> (name, bits and raw value from the table, the meaning from
    /// <paramref name="meaning"/>), then a row for the reserved bits that are set, if any.
    /// </summary>
    public static IReadOnlyList<RegisterFieldRow> Decode(ImmutableArray<RegisterField> fields, ulong value, Func<RegisterField, string> meaning)
    {
        List<RegisterFieldRow> rows = new(fields.Length + 1);
        foreach (RegisterField field in fields)
        {
            rows.Add(new(field.Name, field.Msb, field.Lsb, field.Get(value), meaning(field)));
        }

        if (Reserved(value, RegisterField.Reserved(fields)) is { } reserved)
        {
            rows.Add(reserved);
        }

        return rows;
    }

    public static RegisterFieldRow Flag(string field, int bit, bool value, string name) =>
        new(field, bit, bit, value ? 1UL : 0UL, name);

    /// <summary>A row listing the reserved bits that are set, or null when none are.</summary>
    public static RegisterFieldRow? Reserved(ulong value, ulong reservedMask)
    {
        ulong set = value & reservedMask;
        if (set == 0)
        {
            return null;
        }

        var bits = new StringBuilder();
        for (int bit = 63; bit >= 0; bit--)
        {
            if (((set >> bit) & 1) != 0)
            {
                bits.Append(bits.Length == 0 ? string.Empty : ", ").Append(bit.ToString(CultureInfo.InvariantCulture));
            }
        }

        return new RegisterFieldRow("reserved", 63, 0, set, $"reserved bits set: {bits} (hardware reports 0)");
    }

    public static string Count(long count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? string.Empty : "s");
}
