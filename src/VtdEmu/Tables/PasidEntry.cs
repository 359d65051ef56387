using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Scalable-mode PASID-table entry (512-bit; VT-d spec §9.6, rev 3.x field layout): selects the
/// translation type (PGTT), the domain and the first- and second-level table roots for one PASID.
/// Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct PasidEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 64;

    /// <summary>Number of 64-bit words.</summary>
    public const int WordCount = Size / sizeof(ulong);

    private readonly Words _words;

    /// <summary>An entry from its raw words (word 0 holds bits 63:0).</summary>
    public PasidEntry(ReadOnlySpan<ulong> words) => words[..WordCount].CopyTo(_words);

    /// <summary>Word <paramref name="index"/> (bits 64·index+63 : 64·index).</summary>
    public ulong Word(int index) => _words[index];

    /// <summary>P, 0, Present.</summary>
    public bool Present => Get(0, 0) != 0;

    /// <summary>FPD, 1, Fault Processing Disable.</summary>
    public bool FPD => Get(1, 1) != 0;

    /// <summary>AW, 4:2, Address Width of the second-level tables (AGAW encoding).</summary>
    public int AW => (int)Get(4, 2);

    /// <summary>SLEE, 5, Second Level Execute Enable.</summary>
    public bool SLEE => Get(5, 5) != 0;

    /// <summary>PGTT, 8:6, PASID Granular Translation Type (raw; reserved values are not enum members).</summary>
    public PasidGranularTranslationType PGTT => (PasidGranularTranslationType)Get(8, 6);

    /// <summary>SLADE, 9, Second Level Accessed/Dirty Enable.</summary>
    public bool SLADE => Get(9, 9) != 0;

    /// <summary>SLPTPTR, 63:12, Second Level Page Table Pointer, as a physical address.</summary>
    public ulong SLPTPTR => Get(63, 12) << 12;

    /// <summary>DID, 79:64, Domain Identifier.</summary>
    public ushort DID => (ushort)Get(79, 64);

    /// <summary>PWSNP, 87, Page-Walk Snoop.</summary>
    public bool PWSNP => Get(87, 87) != 0;

    /// <summary>PGSNP, 88, Page Snoop.</summary>
    public bool PGSNP => Get(88, 88) != 0;

    /// <summary>CD, 89, Cache Disable.</summary>
    public bool CD => Get(89, 89) != 0;

    /// <summary>EMTE, 90, Extended Memory Type Enable.</summary>
    public bool EMTE => Get(90, 90) != 0;

    /// <summary>EMT, 93:91, Extended Memory Type.</summary>
    public int EMT => (int)Get(93, 91);

    /// <summary>PWT, 94, Page-level Write Through.</summary>
    public bool PWT => Get(94, 94) != 0;

    /// <summary>PCD, 95, Page-level Cache Disable.</summary>
    public bool PCD => Get(95, 95) != 0;

    /// <summary>PAT, 127:96, Page Attribute Table.</summary>
    public uint PAT => (uint)Get(127, 96);

    /// <summary>SRE, 128, Supervisor Requests Enable.</summary>
    public bool SRE => Get(128, 128) != 0;

    /// <summary>ERE, 129, Execute Requests Enable.</summary>
    public bool ERE => Get(129, 129) != 0;

    /// <summary>FLPM, 131:130, First Level Paging Mode (0 = 4-level, 1 = 5-level).</summary>
    public int FLPM => (int)Get(131, 130);

    /// <summary>WPE, 132, Write Protect Enable.</summary>
    public bool WPE => Get(132, 132) != 0;

    /// <summary>EAFE, 135, Extended Accessed Flag Enable.</summary>
    public bool EAFE => Get(135, 135) != 0;

    /// <summary>FLPTPTR, 191:140, First Level Page Table Pointer, as a physical address.</summary>
    public ulong FLPTPTR => Get(191, 140) << 12;

    /// <summary>An entry with the given fields; every other bit is zero.</summary>
    public static PasidEntry Create(ushort did, PasidGranularTranslationType pgtt, ulong slptptr, int aw, bool fpd = false, bool present = true)
    {
        Span<ulong> words = stackalloc ulong[WordCount];
        words.Clear();
        ulong w0 = Bits.With(0, 0, 0, present ? 1UL : 0);
        w0 = Bits.With(w0, 1, 1, fpd ? 1UL : 0);
        w0 = Bits.With(w0, 4, 2, (ulong)aw);
        w0 = Bits.With(w0, 8, 6, (ulong)pgtt);
        words[0] = Bits.With(w0, 63, 12, slptptr >> 12);
        words[1] = Bits.With(0, 79 - 64, 64 - 64, did);
        return new PasidEntry(words);
    }

    /// <summary>Reads an entry from its 64 little-endian bytes.</summary>
    public static PasidEntry ReadFrom(ReadOnlySpan<byte> source)
    {
        source = source[..Size];
        Span<ulong> words = stackalloc ulong[WordCount];
        for (int i = WordCount - 1; i >= 0; i--)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[(i * sizeof(ulong))..]);
        }

        return new PasidEntry(words);
    }

    /// <summary>Writes the entry as 64 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination = destination[..Size];
        for (int i = WordCount - 1; i >= 0; i--)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(i * sizeof(ulong))..], _words[i]);
        }
    }

    public override string ToString() =>
        $"PasidEntry P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} AW={AW} PGTT={(int)PGTT} SLADE={(SLADE ? 1 : 0)} SLPTPTR=0x{SLPTPTR:X} DID={DID} " +
        $"SRE={(SRE ? 1 : 0)} FLPM={FLPM} FLPTPTR=0x{FLPTPTR:X}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Get(int msb, int lsb) => Bits.Get(_words, msb, lsb);

    [InlineArray(WordCount)]
    private struct Words
    {
        private ulong _element0;
    }
}
