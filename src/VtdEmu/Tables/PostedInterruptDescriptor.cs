using System.Buffers.Binary;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Posted-interrupt descriptor (64 bytes, 64-byte aligned; VT-d spec §9.12): PIR (one request bit
/// per vector, bits 255:0) and the notification control word at byte 32 (ON, SN, NV, NDST). The unit
/// updates it atomically per posted request (spec-notes/interrupt-remapping.md §5). Layout:
/// spec-notes/tables.md.
/// </summary>
public readonly struct PostedInterruptDescriptor
{
    /// <summary>Size of the descriptor in bytes.</summary>
    public const int Size = 64;

    /// <summary>Byte offset of the control word (ON, SN, NV, NDST).</summary>
    public const int ControlOffset = 32;

    private readonly ulong _pir0;
    private readonly ulong _pir1;
    private readonly ulong _pir2;
    private readonly ulong _pir3;
    private readonly ulong _control;

    /// <summary>A descriptor from PIR (four words, vector 0 = word 0 bit 0) and the control word (bits 319:256).</summary>
    public PostedInterruptDescriptor(ulong pir0, ulong pir1, ulong pir2, ulong pir3, ulong control)
    {
        _pir0 = pir0;
        _pir1 = pir1;
        _pir2 = pir2;
        _pir3 = pir3;
        _control = control;
    }

    /// <summary>Bits 319:256.</summary>
    public ulong Control => _control;

    /// <summary>ON, 256, Outstanding Notification.</summary>
    public bool ON => Bits.IsSet(_control, 0);

    /// <summary>SN, 257, Suppress Notification (non-urgent requests only set PIR).</summary>
    public bool SN => Bits.IsSet(_control, 1);

    /// <summary>NV, 279:272, Notification Vector.</summary>
    public byte NV => (byte)Bits.Get(_control, 23, 16);

    /// <summary>NDST, 319:288, Notification Destination (x2APIC: 32 bits; xAPIC: the APIC id in 303:296).</summary>
    public uint NDST => (uint)Bits.Get(_control, 63, 32);

    /// <summary>The notification destination APIC id for the table's mode (<paramref name="x2Apic"/> = IRTA.EIME).</summary>
    public uint NotificationDestination(bool x2Apic) => x2Apic ? NDST : (NDST >> 8) & 0xFF;

    /// <summary>Whether PIR bit <paramref name="vector"/> is set.</summary>
    public bool IsRequested(byte vector) => Bits.IsSet(PirWord(vector >> 6), vector & 63);

    /// <summary>PIR word <paramref name="index"/> (0..3; word 0 holds vectors 63:0).</summary>
    public ulong PirWord(int index) => index switch
    {
        0 => _pir0,
        1 => _pir1,
        2 => _pir2,
        3 => _pir3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>A descriptor with an empty PIR and the given control fields.</summary>
    public static PostedInterruptDescriptor Create(byte notificationVector, uint notificationDestination, bool on = false, bool sn = false) =>
        new(0, 0, 0, 0, (on ? 1UL : 0) | (sn ? 2UL : 0) | ((ulong)notificationVector << 16) | ((ulong)notificationDestination << 32));

    /// <summary>Reads a descriptor from its 64 little-endian bytes (bytes 40..63 are reserved and not kept).</summary>
    public static PostedInterruptDescriptor ReadFrom(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source),
        BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[ControlOffset..]));

    /// <summary>Writes PIR and the control word (the first 40 bytes; the reserved rest is left alone).</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[ControlOffset..], _control);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _pir3);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _pir2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _pir1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _pir0);
    }

    public override string ToString() => $"PID ON={(ON ? 1 : 0)} SN={(SN ? 1 : 0)} NV=0x{NV:X2} NDST=0x{NDST:X} PIR=0x{_pir3:X16}_{_pir2:X16}_{_pir1:X16}_{_pir0:X16}";
}
