using System.Buffers.Binary;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Interrupt-remapping table entry in posted format (IM = 1, 128-bit; VT-d spec §9.11, needs
/// CAP.PI): the request is recorded in the posted-interrupt descriptor at PDA instead of being
/// delivered. Source validation (SID/SQ/SVT) is laid out as in the remapped format. Layout:
/// spec-notes/tables.md.
/// </summary>
public readonly struct PostedInterruptRemapEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 16;

    // Reserved: 7:2, 13:12, 37:24 (low word) and 95:84 (high word); spec-notes/interrupt-remapping.md §5.
    private const ulong ReservedLow = 0x0000_003F_FF00_30FC;
    private const ulong ReservedHigh = 0x0000_0000_FFF0_0000;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>An entry from its raw words (bits 63:0 and 127:64).</summary>
    public PostedInterruptRemapEntry(ulong low, ulong high)
    {
        _lo = low;
        _hi = high;
    }

    /// <summary>Bits 63:0.</summary>
    public ulong Low => _lo;

    /// <summary>Bits 127:64.</summary>
    public ulong High => _hi;

    /// <summary>P, 0, Present.</summary>
    public bool Present => Bits.IsSet(_lo, 0);

    /// <summary>FPD, 1, Fault Processing Disable.</summary>
    public bool FPD => Bits.IsSet(_lo, 1);

    /// <summary>AVAIL, 11:8, Available (ignored by hardware).</summary>
    public int AVAIL => (int)Bits.Get(_lo, 11, 8);

    /// <summary>URG, 14, Urgent: notify even when the descriptor's SN is set.</summary>
    public bool URG => Bits.IsSet(_lo, 14);

    /// <summary>IM, 15, IRTE Mode (1 for this format).</summary>
    public bool IM => Bits.IsSet(_lo, 15);

    /// <summary>VV, 23:16, Virtual Vector: the PIR bit the request sets.</summary>
    public byte VV => (byte)Bits.Get(_lo, 23, 16);

    /// <summary>PDAL, 63:38, Posted Descriptor Address bits 31:6.</summary>
    public uint PDAL => (uint)Bits.Get(_lo, 63, 38);

    /// <summary>SID, 79:64, Source Identifier.</summary>
    public ushort SID => (ushort)Bits.Get(_hi, 15, 0);

    /// <summary>SQ, 81:80, Source-id Qualifier.</summary>
    public int SQ => (int)Bits.Get(_hi, 17, 16);

    /// <summary>SVT, 83:82, Source Validation Type.</summary>
    public int SVT => (int)Bits.Get(_hi, 19, 18);

    /// <summary>PDAH, 127:96, Posted Descriptor Address bits 63:32.</summary>
    public uint PDAH => (uint)Bits.Get(_hi, 63, 32);

    /// <summary>The 64-byte aligned posted-interrupt descriptor address (PDAH:PDAL).</summary>
    public ulong DescriptorAddress => ((ulong)PDAH << 32) | ((ulong)PDAL << 6);

    /// <summary>Whether a reserved bit is set.</summary>
    public bool HasReservedBits => (_lo & ReservedLow) != 0 || (_hi & ReservedHigh) != 0;

    /// <summary>A present posted-format entry pointing at the descriptor at <paramref name="descriptor"/> (64-byte aligned).</summary>
    public static PostedInterruptRemapEntry Create(byte virtualVector, ulong descriptor, bool urgent = false, ushort sid = 0, int sq = 0, int svt = 0, bool fpd = false)
    {
        ulong lo = 1UL | (fpd ? 2UL : 0) | (urgent ? 1UL << 14 : 0) | (1UL << 15) | ((ulong)virtualVector << 16) | (((descriptor >> 6) & 0x3FF_FFFF) << 38);
        ulong hi = sid | ((ulong)(sq & 3) << 16) | ((ulong)(svt & 3) << 18) | ((descriptor >> 32) << 32);
        return new PostedInterruptRemapEntry(lo, hi);
    }

    /// <summary>Reads an entry from its 16 little-endian bytes.</summary>
    public static PostedInterruptRemapEntry ReadFrom(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(source), BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));

    /// <summary>Writes the entry as 16 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _hi);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _lo);
    }

    public override string ToString() =>
        $"Posted IRTE P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} URG={(URG ? 1 : 0)} VV=0x{VV:X2} PDA=0x{DescriptorAddress:X} SID=0x{SID:X4} SQ={SQ} SVT={SVT}";
}
