using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Root entry (legacy mode, 128-bit; VT-d spec §9.1): one per PCI bus in the 4 KiB root table,
/// pointing at that bus's context table. Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct RootEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 16;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>An entry from its raw words (bits 63:0 and 127:64).</summary>
    public RootEntry(ulong low, ulong high)
    {
        _lo = low;
        _hi = high;
    }

    /// <summary>Bits 63:0.</summary>
    public ulong Low => _lo;

    /// <summary>Bits 127:64.</summary>
    public ulong High => _hi;

    /// <summary>P, 0, Present.</summary>
    public bool Present
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Bits.IsSet(_lo, 0);
    }

    /// <summary>CTP, 63:12, Context-table Pointer, as a physical address.</summary>
    public ulong CTP
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Bits.Get(_lo, 63, 12) << 12;
    }

    /// <summary>A present entry pointing at the context table at <paramref name="contextTable"/> (4 KiB aligned).</summary>
    public static RootEntry Create(ulong contextTable, bool present = true) =>
        new(Bits.With(Bits.With(0, 63, 12, contextTable >> 12), 0, 0, present ? 1UL : 0), 0);

    /// <summary>Reads an entry from its 16 little-endian bytes.</summary>
    public static RootEntry ReadFrom(ReadOnlySpan<byte> source) =>
        new RootEntry(high: BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), low: BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 16 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _hi);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _lo);
    }

    public override string ToString() => $"RootEntry P={(Present ? 1 : 0)} CTP=0x{CTP:X} raw=0x{_hi:X16}_{_lo:X16}";
}
