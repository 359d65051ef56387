using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Context entry (legacy mode, 128-bit; VT-d spec §9.3): one per device function in a context
/// table, selecting the domain, the translation type and the second-level table root.
/// Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct ContextEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 16;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>An entry from its raw words (bits 63:0 and 127:64).</summary>
    public ContextEntry(ulong low, ulong high)
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
        get => Get(0, 0) != 0;
    }

    /// <summary>FPD, 1, Fault Processing Disable.</summary>
    public bool FPD
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Get(1, 1) != 0;
    }

    /// <summary>TT, 3:2, Translation Type.</summary>
    public TranslationType TT
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TranslationType)Get(3, 2);
    }

    /// <summary>SLPTPTR, 63:12, Second Level Page Translation Pointer, as a physical address.</summary>
    public ulong SLPTPTR
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Get(63, 12) << 12;
    }

    /// <summary>AW, 66:64, Address Width (AGAW encoding: 1 = 39-bit/3-level, 2 = 48-bit/4-level, 3 = 57-bit/5-level).</summary>
    public int AW
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)Get(66, 64);
    }

    /// <summary>AVAIL, 70:67, Available (ignored by hardware).</summary>
    public int AVAIL => (int)Get(70, 67);

    /// <summary>DID, 87:72, Domain Identifier.</summary>
    public ushort DID
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (ushort)Get(87, 72);
    }

    /// <summary>A context entry with the given fields; every other bit is zero.</summary>
    public static ContextEntry Create(ushort did, TranslationType tt, ulong slptptr, int aw, bool fpd = false, bool present = true)
    {
        ulong lo = Bits.With(0, 0, 0, present ? 1UL : 0);
        lo = Bits.With(lo, 1, 1, fpd ? 1UL : 0);
        lo = Bits.With(lo, 3, 2, (ulong)tt);
        lo = Bits.With(lo, 63, 12, slptptr >> 12);
        ulong hi = Bits.With(0, 66 - 64, 64 - 64, (ulong)aw);
        hi = Bits.With(hi, 87 - 64, 72 - 64, did);
        return new ContextEntry(lo, hi);
    }

    /// <summary>Reads an entry from its 16 little-endian bytes.</summary>
    public static ContextEntry ReadFrom(ReadOnlySpan<byte> source) =>
        new ContextEntry(high: BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), low: BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 16 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _hi);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _lo);
    }

    public override string ToString() =>
        $"ContextEntry P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} TT={TT} SLPTPTR=0x{SLPTPTR:X} AW={AW} DID={DID} raw=0x{_hi:X16}_{_lo:X16}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Get(int msb, int lsb) => lsb < 64 ? Bits.Get(_lo, msb, lsb) : Bits.Get(_hi, msb - 64, lsb - 64);
}
