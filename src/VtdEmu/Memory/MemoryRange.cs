namespace VtdEmu.Memory;

/// <summary>A range of guest physical addresses, <c>[Base, Base + Size)</c>.</summary>
public readonly record struct MemoryRange(ulong Base, ulong Size)
{
    /// <summary>The first address after the range (saturates at 2^64).</summary>
    public ulong End => Size > ulong.MaxValue - Base ? ulong.MaxValue : Base + Size;

    /// <summary>True when <c>[address, address + length)</c> lies wholly inside this range.</summary>
    public bool Contains(ulong address, ulong length) =>
        address >= Base && length <= Size && address - Base <= Size - length;

    public override string ToString() => $"[0x{Base:x}, 0x{End:x})";
}
