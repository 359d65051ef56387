namespace VtdEmu.Cli.Decoding;

/// <summary>One decoded field of a register: its spec mnemonic, bit range, raw value and meaning.</summary>
/// <param name="Field">The spec mnemonic (or <c>reserved</c> for set reserved bits).</param>
/// <param name="Msb">Highest bit.</param>
/// <param name="Lsb">Lowest bit.</param>
/// <param name="Raw">The field's value, shifted down to bit 0 (for <c>reserved</c>: the set bits in place).</param>
/// <param name="Meaning">What the value means.</param>
internal sealed record RegisterFieldRow(string Field, int Msb, int Lsb, ulong Raw, string Meaning)
{
    /// <summary>The bit range as the spec prints it: <c>12:8</c>, or <c>3</c> for one bit.</summary>
    public string Bits => Msb == Lsb ? $"{Msb}" : $"{Msb}:{Lsb}";

    /// <summary>The value: <c>0</c>/<c>1</c> for one bit, hex otherwise.</summary>
    public string Value => Msb == Lsb && Field != "reserved" ? (Raw != 0 ? "1" : "0") : $"0x{Raw:x}";
}
