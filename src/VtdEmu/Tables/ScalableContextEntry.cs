using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Scalable-mode context entry (256-bit; VT-d spec §9.4): one per device function, pointing at the
/// device's PASID directory. Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct ScalableContextEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 32;

    /// <summary>Number of 64-bit words.</summary>
    public const int WordCount = Size / sizeof(ulong);

    private readonly Words _words;

    /// <summary>An entry from its raw words (word 0 holds bits 63:0).</summary>
    public ScalableContextEntry(ReadOnlySpan<ulong> words) => words[..WordCount].CopyTo(_words);

    /// <summary>Word <paramref name="index"/> (bits 64·index+63 : 64·index).</summary>
    public ulong Word(int index) => _words[index];

    /// <summary>P, 0, Present.</summary>
    public bool Present => Get(0, 0) != 0;

    /// <summary>FPD, 1, Fault Processing Disable.</summary>
    public bool FPD => Get(1, 1) != 0;

    /// <summary>DTE, 2, Device-TLB Enable.</summary>
    public bool DTE => Get(2, 2) != 0;

    /// <summary>PASIDE, 3, PASID Enable.</summary>
    public bool PASIDE => Get(3, 3) != 0;

    /// <summary>PRE, 4, Page Request Enable.</summary>
    public bool PRE => Get(4, 4) != 0;

    /// <summary>PDTS, 11:9, PASID Directory Size: 2^(PDTS+7) directory entries.</summary>
    public int PDTS => (int)Get(11, 9);

    /// <summary>PASIDDIRPTR, 63:12, PASID Directory Pointer, as a physical address.</summary>
    public ulong PASIDDIRPTR => Get(63, 12) << 12;

    /// <summary>RID_PASID, 83:64, Requester-ID PASID (used for requests without a PASID).</summary>
    public uint RID_PASID => (uint)Get(83, 64);

    /// <summary>RID_PRIV, 84, Requester-ID Privilege.</summary>
    public bool RID_PRIV => Get(84, 84) != 0;

    /// <summary>A present-or-not entry with the given fields; every other bit is zero.</summary>
    public static ScalableContextEntry Create(ulong pasidDirectory, int pdts, bool fpd = false, bool dte = false, bool paside = false, uint ridPasid = 0, bool present = true)
    {
        Span<ulong> words = stackalloc ulong[WordCount];
        words.Clear();
        ulong w0 = Bits.With(0, 0, 0, present ? 1UL : 0);
        w0 = Bits.With(w0, 1, 1, fpd ? 1UL : 0);
        w0 = Bits.With(w0, 2, 2, dte ? 1UL : 0);
        w0 = Bits.With(w0, 3, 3, paside ? 1UL : 0);
        w0 = Bits.With(w0, 11, 9, (ulong)pdts);
        words[0] = Bits.With(w0, 63, 12, pasidDirectory >> 12);
        words[1] = Bits.With(0, 83 - 64, 64 - 64, ridPasid);
        return new ScalableContextEntry(words);
    }

    /// <summary>Reads an entry from its 32 little-endian bytes.</summary>
    public static ScalableContextEntry ReadFrom(ReadOnlySpan<byte> source)
    {
        Span<ulong> words = stackalloc ulong[WordCount];
        words[3] = BinaryPrimitives.ReadUInt64LittleEndian(source[24..]);
        words[2] = BinaryPrimitives.ReadUInt64LittleEndian(source[16..]);
        words[1] = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]);
        words[0] = BinaryPrimitives.ReadUInt64LittleEndian(source);
        return new ScalableContextEntry(words);
    }

    /// <summary>Writes the entry as 32 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _words[3]);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _words[2]);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _words[1]);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _words[0]);
    }

    public override string ToString() =>
        $"ScalableContextEntry P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} DTE={(DTE ? 1 : 0)} PASIDE={(PASIDE ? 1 : 0)} PRE={(PRE ? 1 : 0)} " +
        $"PDTS={PDTS} PASIDDIRPTR=0x{PASIDDIRPTR:X} RID_PASID=0x{RID_PASID:X} RID_PRIV={(RID_PRIV ? 1 : 0)}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Get(int msb, int lsb) => Bits.Get(_words, msb, lsb);

    [InlineArray(WordCount)]
    private struct Words
    {
        private ulong _element0;
    }
}
