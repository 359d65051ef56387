namespace VtdEmu.Workloads.Scenarios;

/// <summary>A named bit range of CAP_REG or ECAP_REG, in the spec's msb:lsb order.</summary>
/// <param name="Name">The spec mnemonic.</param>
/// <param name="Msb">Highest bit.</param>
/// <param name="Lsb">Lowest bit.</param>
public readonly record struct CapabilityField(string Name, int Msb, int Lsb)
{
    /// <summary>The field's bits in place.</summary>
    public ulong Mask => (ulong.MaxValue >> (63 - Msb)) & (ulong.MaxValue << Lsb);

    public override string ToString() => Msb == Lsb ? $"{Name} (bit {Msb})" : $"{Name} (bits {Msb}:{Lsb})";
}
