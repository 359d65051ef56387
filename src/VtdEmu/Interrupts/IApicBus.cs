namespace VtdEmu.Interrupts;

/// <summary>
/// Receives the interrupts a remapping unit lets through (remapped, passed-through compatibility
/// format, and posting notification events). The caller supplies it; the unit never blocks on it.
/// </summary>
public interface IApicBus
{
    /// <summary>Delivers one interrupt to its destination processor(s).</summary>
    void Deliver(in ApicInterrupt interrupt);
}
