using System.Buffers.Binary;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Interrupt-remapping table entry in remapped format (IM = 0, 128-bit; VT-d spec §9.10): the
/// attributes of the interrupt the unit generates for a remappable request with this index, and how
/// the request's source-id is validated. Accessors use the spec's absolute bit numbers; the posted
/// format of the same 16 bytes is <see cref="PostedInterruptRemapEntry"/>. Layout: spec-notes/tables.md.
/// </summary>
public readonly struct InterruptRemapEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 16;

    // Reserved in both destination modes: 14:12, 31:24 and 127:84 (spec-notes/interrupt-remapping.md §3).
    private const ulong ReservedLow = 0x0000_0000_FF00_7000;
    private const ulong ReservedHigh = 0xFFFF_FFFF_FFF0_0000;

    // xAPIC mode (IRTA.EIME = 0): DST bits 39:32 and 63:48 are reserved; the APIC id is in 47:40.
    private const ulong ReservedLowXapic = 0xFFFF_00FF_0000_0000;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>An entry from its raw words (bits 63:0 and 127:64).</summary>
    public InterruptRemapEntry(ulong low, ulong high)
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

    /// <summary>FPD, 1, Fault Processing Disable (qualified interrupt-remapping faults are not recorded).</summary>
    public bool FPD => Bits.IsSet(_lo, 1);

    /// <summary>DM, 2, Destination Mode (1 = logical).</summary>
    public bool DM => Bits.IsSet(_lo, 2);

    /// <summary>RH, 3, Redirection Hint.</summary>
    public bool RH => Bits.IsSet(_lo, 3);

    /// <summary>TM, 4, Trigger Mode (1 = level).</summary>
    public bool TM => Bits.IsSet(_lo, 4);

    /// <summary>DLM, 7:5, Delivery Mode.</summary>
    public int DLM => (int)Bits.Get(_lo, 7, 5);

    /// <summary>AVAIL, 11:8, Available (ignored by hardware).</summary>
    public int AVAIL => (int)Bits.Get(_lo, 11, 8);

    /// <summary>IM, 15, IRTE Mode (0 = remapped, 1 = posted).</summary>
    public bool IM => Bits.IsSet(_lo, 15);

    /// <summary>V, 23:16, Vector.</summary>
    public byte V => (byte)Bits.Get(_lo, 23, 16);

    /// <summary>DST, 63:32, Destination ID (x2APIC: all 32 bits; xAPIC: the APIC id in bits 47:40).</summary>
    public uint DST => (uint)Bits.Get(_lo, 63, 32);

    /// <summary>SID, 79:64, Source Identifier compared with the requester id.</summary>
    public ushort SID => (ushort)Bits.Get(_hi, 15, 0);

    /// <summary>SQ, 81:80, Source-id Qualifier (which function-number bits SVT = 01 ignores).</summary>
    public int SQ => (int)Bits.Get(_hi, 17, 16);

    /// <summary>SVT, 83:82, Source Validation Type (00 none, 01 SID/SQ, 10 bus range, 11 reserved).</summary>
    public int SVT => (int)Bits.Get(_hi, 19, 18);

    /// <summary>The destination APIC id: DST in x2APIC mode, DST bits 15:8 (entry bits 47:40) in xAPIC mode.</summary>
    public uint Destination(bool x2Apic) => x2Apic ? DST : (DST >> 8) & 0xFF;

    /// <summary>Whether a reserved bit is set for the table's mode (<paramref name="x2Apic"/> = IRTA.EIME).</summary>
    public bool HasReservedBits(bool x2Apic) =>
        (_lo & (ReservedLow | (x2Apic ? 0 : ReservedLowXapic))) != 0 || (_hi & ReservedHigh) != 0;

    /// <summary>A present remapped-format entry.</summary>
    public static InterruptRemapEntry Create(
        byte vector,
        uint destination,
        int deliveryMode = 0,
        bool logical = false,
        bool level = false,
        bool redirectionHint = false,
        ushort sid = 0,
        int sq = 0,
        int svt = 0,
        bool fpd = false)
    {
        ulong lo = 1UL
            | (fpd ? 2UL : 0)
            | (logical ? 4UL : 0)
            | (redirectionHint ? 8UL : 0)
            | (level ? 0x10UL : 0)
            | ((ulong)(deliveryMode & 7) << 5)
            | ((ulong)vector << 16)
            | ((ulong)destination << 32);
        ulong hi = sid | ((ulong)(sq & 3) << 16) | ((ulong)(svt & 3) << 18);
        return new InterruptRemapEntry(lo, hi);
    }

    /// <summary>Reads an entry from its 16 little-endian bytes.</summary>
    public static InterruptRemapEntry ReadFrom(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(source), BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));

    /// <summary>Writes the entry as 16 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _hi);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _lo);
    }

    public override string ToString() =>
        $"IRTE P={(Present ? 1 : 0)} FPD={(FPD ? 1 : 0)} IM={(IM ? 1 : 0)} V=0x{V:X2} DST=0x{DST:X} DLM={DLM} DM={(DM ? 1 : 0)} TM={(TM ? 1 : 0)} RH={(RH ? 1 : 0)} SID=0x{SID:X4} SQ={SQ} SVT={SVT}";
}
