namespace VtdEmu.Registers;

/// <summary>
/// One row of the register layout: a register's place, width, reset value and per-bit attribute
/// masks. Bits in none of the masks are RO (hardware-owned) or RsvdZ; <paramref name="WoMask"/> bits are
/// stored for the model but read back as 0.
/// </summary>
/// <param name="Name">Spec name (VER, CAP, FRCD3_HI, …) shown to observers.</param>
/// <param name="Offset">Byte offset in the register block.</param>
/// <param name="Width">4 or 8 bytes.</param>
/// <param name="Reset">Value after reset.</param>
/// <param name="RwMask">RW bits: a write stores them.</param>
/// <param name="Rw1cMask">RW1C bits: writing 1 clears.</param>
/// <param name="WoMask">WO bits: a write stores them, a read returns 0.</param>
/// <param name="Effect">Side effect run after the store.</param>
internal readonly record struct RegisterRow(
    string Name, int Offset, int Width, ulong Reset, ulong RwMask, ulong Rw1cMask, ulong WoMask, WriteEffect Effect);
