using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Registers;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Checks a scenario's <c>cap</c>/<c>ecap</c> override against what the model can honour, naming each refused
/// field from the core's field tables (<see cref="CapabilityFields"/>, VT-d spec §11.4.2, and
/// <see cref="ExtendedCapabilityFields"/>, §11.4.3); bits outside every field are reserved.
/// </summary>
public static class CapabilityOverrides
{
    /// <summary>
    /// Checks an override against the bits a model can honour: null when every set bit of
    /// <paramref name="requested"/> lies in <paramref name="honoured"/>, else a message naming each
    /// field (or reserved bit) that does not, e.g. <c>CAP.PI (bit 59) is not supported by the model</c>.
    /// </summary>
    /// <param name="register"><c>CAP</c> or <c>ECAP</c>, for the message.</param>
    /// <param name="fields"><see cref="CapabilityFields.All"/> or <see cref="ExtendedCapabilityFields.All"/>.</param>
    /// <param name="requested">The value of the <c>cap</c>/<c>ecap</c> directive.</param>
    /// <param name="honoured">The bits the model can set.</param>
    public static string? CheckHonoured(string register, ImmutableArray<RegisterField> fields, ulong requested, ulong honoured)
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

            string name = RegisterField.At(fields, bit) is { } field
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
