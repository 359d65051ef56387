using System.Runtime.CompilerServices;

namespace VtdEmu.Internal;

/// <summary>
/// Bit-field extraction by the spec's absolute <c>msb:lsb</c> numbering, so every
/// accessor can be checked line by line against the Intel field tables.
/// </summary>
internal static class Bits
{
    /// <summary>Bits <paramref name="msb"/>:<paramref name="lsb"/> of a 64-bit word, right-aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Get(ulong word, int msb, int lsb) => (word >> lsb) & Mask(msb - lsb + 1);

    /// <summary>Bit <paramref name="bit"/> of a 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSet(ulong word, int bit) => ((word >> bit) & 1) != 0;

    /// <summary>
    /// Bits <paramref name="msb"/>:<paramref name="lsb"/> of a multi-word structure (128/256/512-bit),
    /// numbered from bit 0 of word 0. A field never straddles two 64-bit words in VT-d structures.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Get(ReadOnlySpan<ulong> words, int msb, int lsb)
    {
        System.Diagnostics.Debug.Assert(msb >> 6 == lsb >> 6, "VT-d fields do not straddle 64-bit words");
        return Get(words[lsb >> 6], msb & 63, lsb & 63);
    }

    /// <summary>A mask of the low <paramref name="width"/> bits (width 0..64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int width) => width >= 64 ? ulong.MaxValue : (1UL << width) - 1;

    /// <summary>A mask with bits <paramref name="msb"/>:<paramref name="lsb"/> set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Range(int msb, int lsb) => Mask(msb - lsb + 1) << lsb;

    /// <summary><paramref name="word"/> with bits msb:lsb replaced by <paramref name="value"/> (truncated to the field).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong With(ulong word, int msb, int lsb, ulong value)
    {
        ulong mask = Range(msb, lsb);
        return (word & ~mask) | ((value << lsb) & mask);
    }
}
