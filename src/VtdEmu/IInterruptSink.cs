namespace VtdEmu;

/// <summary>
/// Where a remapping unit sends its event interrupts (fault event, invalidation completion event):
/// an MSI is a DWORD write of the data register to the address registers (VT-d spec §7.4, §6.5.2.8).
/// </summary>
public interface IInterruptSink
{
    /// <summary>Delivers one MSI: <paramref name="data"/> written to <paramref name="address"/>.</summary>
    void Deliver(ulong address, uint data);
}
