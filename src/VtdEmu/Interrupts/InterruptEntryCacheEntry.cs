namespace VtdEmu.Interrupts;

/// <summary>One cached IRTE: its index and raw 128 bits as read from the interrupt-remapping table.</summary>
/// <param name="Index">The interrupt index (the lookup tag).</param>
/// <param name="Low">IRTE bits 63:0.</param>
/// <param name="High">IRTE bits 127:64.</param>
public readonly record struct InterruptEntryCacheEntry(int Index, ulong Low, ulong High);
