namespace VtdEmu.Interrupts;

/// <summary>
/// An interrupt as the unit hands it to the processors' APIC bus after remapping (VT-d spec §5.1.4):
/// the attributes come from the IRTE for a remapped request, from the request itself for a
/// compatibility-format request passed through, or from the posted-interrupt descriptor for a
/// posting notification event.
/// </summary>
/// <param name="Destination">Destination APIC id (32-bit in x2APIC mode, 8-bit in xAPIC mode).</param>
/// <param name="Vector">The vector.</param>
/// <param name="DeliveryMode">Delivery mode (000 fixed, 001 lowest priority, 010 SMI, 100 NMI, 101 INIT, 111 ExtINT).</param>
/// <param name="Logical">Destination mode: true = logical, false = physical.</param>
/// <param name="Level">Trigger mode: true = level, false = edge.</param>
/// <param name="RedirectionHint">Redirection hint (RH).</param>
public readonly record struct ApicInterrupt(uint Destination, byte Vector, int DeliveryMode = 0, bool Logical = false, bool Level = false, bool RedirectionHint = false)
{
    public override string ToString() =>
        $"dest=0x{Destination:x} vector=0x{Vector:x2} dlm={DeliveryMode} {(Logical ? "logical" : "physical")} {(Level ? "level" : "edge")}{(RedirectionHint ? " rh" : string.Empty)}";
}
