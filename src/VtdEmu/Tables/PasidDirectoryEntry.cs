using System.Buffers.Binary;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Scalable-mode PASID-directory entry (64-bit; VT-d spec §9.5): one per 64 PASIDs, pointing at a
/// 4 KiB PASID table. Accessors use the spec's bit numbers.
/// </summary>
public readonly struct PasidDirectoryEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 8;

    private readonly ulong _value;

    /// <summary>An entry from its raw word.</summary>
    public PasidDirectoryEntry(ulong value) => _value = value;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Raw => _value;

    /// <summary>P, 0, Present.</summary>
    public bool Present => Bits.IsSet(_value, 0);

    /// <summary>FPD, 1, Fault Processing Disable.</summary>
    public bool FPD => Bits.IsSet(_value, 1);

    /// <summary>SMPTBLPTR, 63:12, Scalable-Mode PASID Table Pointer, as a physical address.</summary>
    public ulong SMPTBLPTR => Bits.Get(_value, 63, 12) << 12;

    /// <summary>An entry pointing at the PASID table at <paramref name="pasidTable"/> (4 KiB aligned).</summary>
    public static PasidDirectoryEntry Create(ulong pasidTable, bool fpd = false, bool present = true)
    {
        ulong value = Bits.With(0, 63, 12, pasidTable >> 12);
        value = Bits.With(value, 1, 1, fpd ? 1UL : 0);
        return new PasidDirectoryEntry(Bits.With(value, 0, 0, present ? 1UL : 0));
    }

    /// <summary>Reads an entry from its 8 little-endian bytes.</summary>
    public static PasidDirectoryEntry ReadFrom(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 8 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, _value);

    public override string ToString() =>
        $"PasidDirectoryEntry P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} SMPTBLPTR=0x{SMPTBLPTR:X} raw=0x{_value:X16}";
}
