namespace VtdEmu.Iommu.Topology;

/// <summary>A PCI bus/device/function address (the requester ID).</summary>
/// <param name="Bus">Bus number.</param>
/// <param name="Device">Device (slot) number, 0–31.</param>
/// <param name="Function">Function number, 0–7.</param>
public readonly record struct PciBdf(byte Bus, byte Device, byte Function)
{
    /// <summary>The 16-bit requester ID: bus[15:8], device[7:3], function[2:0].</summary>
    public ushort Rid => (ushort)((Bus << 8) | ((Device & 0x1F) << 3) | (Function & 0x7));

    /// <inheritdoc/>
    public override string ToString() => $"{Bus:x2}:{Device:x2}.{Function:x1}";
}
