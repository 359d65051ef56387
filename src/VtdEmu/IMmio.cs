namespace VtdEmu;

/// <summary>
/// A memory-mapped register block as a CPU (or a driver) sees it: byte offsets relative to the
/// block, access sizes of 1, 2, 4 or 8 bytes. This is the hardware boundary: the driver layer
/// (<c>VtdEmu.Iommu</c>) and the x86 front end (<c>VtdEmu.X86</c>) reach a remapping unit only
/// through this interface and guest physical memory.
/// </summary>
/// <remarks>
/// Implementations never throw for guest-controlled input: an offset, size or alignment the
/// hardware does not support gets the documented hardware behaviour (spec-notes/registers.md).
/// </remarks>
public interface IMmio
{
    /// <summary>Size of the register block in bytes.</summary>
    int Length { get; }

    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/>, zero-extended.</summary>
    ulong Read(ulong offset, int size);

    /// <summary>Writes the low <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    void Write(ulong offset, int size, ulong value);
}
