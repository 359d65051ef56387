
namespace VtdEmu.Registers;

/// <summary>
/// One register of a unit's block as tools list it: spec name, offset and width. The list comes from
/// the register file's own layout, so FRCD and IVA/IOTLB_REG sit where CAP.FRO and ECAP.IRO put them.
/// </summary>
/// <param name="Name">Spec name (<c>FRCD0_LO</c>/<c>FRCD0_HI</c> for the halves of a fault record).</param>
/// <param name="Offset">Offset in the register block.</param>
/// <param name="Width">4 or 8 bytes.</param>
public readonly record struct RegisterSlot(string Name, int Offset, int Width)
{
    /// <summary>Every register of a unit with <paramref name="configuration"/>, by offset.</summary>
    public static IReadOnlyList<RegisterSlot> ListFor(UnitConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RegisterRow[] rows = RegisterLayout.Build(configuration);
        var slots = new RegisterSlot[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            slots[i] = new RegisterSlot(rows[i].Name, rows[i].Offset, rows[i].Width);
        }

        return slots;
    }
}
