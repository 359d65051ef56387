using System.Runtime.CompilerServices;
using VtdEmu.Faults;
using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// FRCD_REG, one Fault Recording Register (128-bit, at CAP.FRO × 16 + 16·i; VT-d spec §7.2.1 primary fault
/// logging, layout in spec-notes/fault-recording.md §1). The one definition of the layout: the unit writes
/// records with <see cref="Create"/>, and a reader (the CLI, a driver) decodes the two 64-bit halves it read.
/// Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly struct FaultRecordingRegister
{
    /// <summary>Size of the register in bytes (two 64-bit halves).</summary>
    public const int Size = 16;

    /// <summary>F (bit 127) as it sits in <see cref="High"/>: the RW1C "fault recorded" bit.</summary>
    public const ulong FaultBit = 1UL << 63;

    private readonly ulong _lo;
    private readonly ulong _hi;

    /// <summary>A record from its raw halves (bits 63:0 at offset 0 and 127:64 at offset 8).</summary>
    public FaultRecordingRegister(ulong low, ulong high)
    {
        _lo = low;
        _hi = high;
    }

    /// <summary>Bits 63:0.</summary>
    public ulong Low => _lo;

    /// <summary>Bits 127:64.</summary>
    public ulong High => _hi;

    /// <summary>FI, 63:12, Fault Info: the faulting page address (interrupt faults: the index in 63:48).</summary>
    public ulong FI
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _lo & Bits.Range(63, 12);
    }

    /// <summary>SID, 79:64, Source Identifier of the faulting request.</summary>
    public ushort SID
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (ushort)Bits.Get(_hi, 79 - 64, 64 - 64);
    }

    /// <summary>T2, 92, Type bit 2 (low bit of the request type).</summary>
    public bool T2 => Bits.IsSet(_hi, 92 - 64);

    /// <summary>PRIV, 93, Privilege Mode Requested.</summary>
    public bool PRIV => Bits.IsSet(_hi, 93 - 64);

    /// <summary>EXE, 94, Execute Permission Requested.</summary>
    public bool EXE => Bits.IsSet(_hi, 94 - 64);

    /// <summary>PP, 95, PASID Present.</summary>
    public bool PP => Bits.IsSet(_hi, 95 - 64);

    /// <summary>FR, 103:96, Fault Reason.</summary>
    public FaultReason FR
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (FaultReason)Bits.Get(_hi, 103 - 64, 96 - 64);
    }

    /// <summary>PV, 123:104, PASID Value (meaningful when <see cref="PP"/>).</summary>
    public uint PV => (uint)Bits.Get(_hi, 123 - 64, 104 - 64);

    /// <summary>AT, 125:124, Address Type (reserved without ECAP.DT).</summary>
    public FaultAddressType AT => (FaultAddressType)Bits.Get(_hi, 125 - 64, 124 - 64);

    /// <summary>T1, 126, Type bit 1 (high bit of the request type).</summary>
    public bool T1 => Bits.IsSet(_hi, 126 - 64);

    /// <summary>F, 127, Fault: the record holds an unserviced fault.</summary>
    public bool F
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_hi & FaultBit) != 0;
    }

    /// <summary>The request type {T1, T2}.</summary>
    public FaultRequestType RequestType => (FaultRequestType)(((T1 ? 1 : 0) << 1) | (T2 ? 1 : 0));

    /// <summary>
    /// The record the unit writes for <paramref name="record"/>, with F = 0 (the unit sets F by a separate, last
    /// store). PV is written only with PP; AT only when <paramref name="reportsAddressType"/> (ECAP.DT).
    /// </summary>
    public static FaultRecordingRegister Create(in FaultRecord record, bool reportsAddressType)
    {
        ulong type = (ulong)record.RequestType;
        ulong high = 0;
        high = Bits.With(high, 79 - 64, 64 - 64, record.SourceId);
        high = Bits.With(high, 92 - 64, 92 - 64, type & 1);
        high = Bits.With(high, 93 - 64, 93 - 64, record.Privileged ? 1UL : 0);
        high = Bits.With(high, 94 - 64, 94 - 64, record.Execute ? 1UL : 0);
        high = Bits.With(high, 95 - 64, 95 - 64, record.PasidPresent ? 1UL : 0);
        high = Bits.With(high, 103 - 64, 96 - 64, (ulong)record.Reason);
        high = Bits.With(high, 123 - 64, 104 - 64, record.PasidPresent ? record.Pasid : 0);
        high = Bits.With(high, 125 - 64, 124 - 64, reportsAddressType ? (ulong)record.AddressType : 0);
        high = Bits.With(high, 126 - 64, 126 - 64, type >> 1);
        return new FaultRecordingRegister(record.Address & Bits.Range(63, 12), high);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"FRCD F={(F ? 1 : 0)} SID=0x{SID:X4} FR=0x{(byte)FR:X2} T={RequestType} FI=0x{FI:X} PP={(PP ? 1 : 0)} PV=0x{PV:X} raw=0x{_hi:X16}_{_lo:X16}";
}
