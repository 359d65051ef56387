namespace VtdEmu.X86;

/// <summary>
/// One access that reached the device: byte offset into the register block, size in bytes
/// (1, 2, 4 or 8), direction, and the value read or written (zero-extended to 64 bits).
/// </summary>
public readonly record struct MmioAccess(ulong Offset, int Size, MmioDirection Direction, ulong Value)
{
    public override string ToString() =>
        $"{(Direction == MmioDirection.Read ? "R" : "W")} 0x{Offset:X3} [{Size}] 0x{Value:X}";
}
