using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Scalable-mode root entry (128-bit; VT-d spec §9.2): one per PCI bus, with separate pointers to
/// the lower (devfn 0-127) and upper (devfn 128-255) scalable-mode context tables.
/// Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct ScalableRootEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 16;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>An entry from its raw words (bits 63:0 and 127:64).</summary>
    public ScalableRootEntry(ulong low, ulong high)
    {
        _lo = low;
        _hi = high;
    }

    /// <summary>Bits 63:0 (the lower half: LP, LCTP).</summary>
    public ulong Low => _lo;

    /// <summary>Bits 127:64 (the upper half: UP, UCTP).</summary>
    public ulong High => _hi;

    /// <summary>LP, 0, Lower Present.</summary>
    public bool LP => Get(0, 0) != 0;

    /// <summary>LCTP, 63:12, Lower Context Table Pointer, as a physical address.</summary>
    public ulong LCTP => Get(63, 12) << 12;

    /// <summary>UP, 64, Upper Present.</summary>
    public bool UP => Get(64, 64) != 0;

    /// <summary>UCTP, 127:76, Upper Context Table Pointer, as a physical address.</summary>
    public ulong UCTP => Get(127, 76) << 12;

    /// <summary>An entry with the given halves; a zero pointer with <c>present: false</c> leaves a half not present.</summary>
    public static ScalableRootEntry Create(ulong lowerContextTable, bool lowerPresent, ulong upperContextTable, bool upperPresent)
    {
        ulong lo = Bits.With(Bits.With(0, 63, 12, lowerContextTable >> 12), 0, 0, lowerPresent ? 1UL : 0);
        ulong hi = Bits.With(Bits.With(0, 127 - 64, 76 - 64, upperContextTable >> 12), 64 - 64, 64 - 64, upperPresent ? 1UL : 0);
        return new ScalableRootEntry(lo, hi);
    }

    /// <summary>Reads an entry from its 16 little-endian bytes.</summary>
    public static ScalableRootEntry ReadFrom(ReadOnlySpan<byte> source) =>
        new ScalableRootEntry(high: BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), low: BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 16 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _hi);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _lo);
    }

    public override string ToString() =>
        $"ScalableRootEntry LP={(LP ? 1 : 0)} LCTP=0x{LCTP:X} UP={(UP ? 1 : 0)} UCTP=0x{UCTP:X} raw=0x{_hi:X16}_{_lo:X16}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Get(int msb, int lsb) => lsb < 64 ? Bits.Get(_lo, msb, lsb) : Bits.Get(_hi, msb - 64, lsb - 64);
}
