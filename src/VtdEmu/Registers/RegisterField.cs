using System.Collections.Immutable;
using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// One named bit range of a register as the spec's register tables print it: the mnemonic, msb:lsb, what the
/// field says, and the spec section that defines it. The rows of <see cref="CapabilityFields"/> and
/// <see cref="ExtendedCapabilityFields"/>.
/// </summary>
/// <param name="Name">The spec mnemonic, verbatim (<c>SAGAW</c>, <c>PSS</c>).</param>
/// <param name="Msb">Highest bit.</param>
/// <param name="Lsb">Lowest bit.</param>
/// <param name="Description">What the field reports, in a few words (for a one-bit field: what 1 means).</param>
/// <param name="Section">The VT-d spec section that defines the field (<c>§11.4.2</c>).</param>
public readonly record struct RegisterField(string Name, int Msb, int Lsb, string Description, string Section)
{
    /// <summary>Bits in the field.</summary>
    public int Width => Msb - Lsb + 1;

    /// <summary>The field's bits in place.</summary>
    public ulong Mask => Bits.Range(Msb, Lsb);

    /// <summary>The field's value in <paramref name="register"/>, shifted down to bit 0.</summary>
    public ulong Get(ulong register) => Bits.Get(register, Msb, Lsb);

    /// <summary><paramref name="register"/> with the field set to <paramref name="value"/>, truncated to its width.</summary>
    public ulong With(ulong register, ulong value) => Bits.With(register, Msb, Lsb, value);

    /// <summary><paramref name="register"/> with this one-bit field set to <paramref name="flag"/>.</summary>
    public ulong With(ulong register, bool flag) => With(register, flag ? 1UL : 0UL);

    /// <summary>The field of <paramref name="fields"/> that holds <paramref name="bit"/>, or null for a reserved bit.</summary>
    public static RegisterField? At(ImmutableArray<RegisterField> fields, int bit)
    {
        foreach (RegisterField field in fields)
        {
            if (bit >= field.Lsb && bit <= field.Msb)
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>The bits no field of <paramref name="fields"/> covers.</summary>
    public static ulong Reserved(ImmutableArray<RegisterField> fields)
    {
        ulong defined = 0;
        foreach (RegisterField field in fields)
        {
            defined |= field.Mask;
        }

        return ~defined;
    }

    /// <summary><c>PI (bit 59)</c> or <c>SAGAW (bits 12:8)</c>.</summary>
    public override string ToString() => Msb == Lsb ? $"{Name} (bit {Msb})" : $"{Name} (bits {Msb}:{Lsb})";
}
