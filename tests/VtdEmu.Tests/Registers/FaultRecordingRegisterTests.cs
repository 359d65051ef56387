using System.Runtime.CompilerServices;
using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

/// <summary>The FRCD layout (VT-d spec §7.2.1; spec-notes/fault-recording.md §1), field by field.</summary>
public sealed class FaultRecordingRegisterTests
{
    [Fact]
    public void Size_IsTwoQwords() => Assert.Equal(FaultRecordingRegister.Size, Unsafe.SizeOf<FaultRecordingRegister>());

    [Fact]
    public void Create_PlacesEveryFieldAtItsSpecBits()
    {
        var record = new FaultRecord(
            0xBEEF, 0x1234_5678_9ABC_DFFF, FaultReason.WriteDenied, FaultRequestType.AtomicOp, PasidPresent: true, Pasid: 0xF_FFFF,
            AddressType: FaultAddressType.Translated, Execute: true, Privileged: true);

        var frcd = FaultRecordingRegister.Create(record, reportsAddressType: true);

        Assert.Equal(0x1234_5678_9ABC_D000UL, frcd.Low);                         // FI 63:12
        Assert.Equal(0xBEEFUL, frcd.High & 0xFFFF);                               // SID 79:64
        Assert.Equal(1UL, (frcd.High >> (92 - 64)) & 1);                          // T2
        Assert.Equal(1UL, (frcd.High >> (93 - 64)) & 1);                          // PRIV
        Assert.Equal(1UL, (frcd.High >> (94 - 64)) & 1);                          // EXE
        Assert.Equal(1UL, (frcd.High >> (95 - 64)) & 1);                          // PP
        Assert.Equal((ulong)FaultReason.WriteDenied, (frcd.High >> (96 - 64)) & 0xFF); // FR 103:96
        Assert.Equal(0xF_FFFFUL, (frcd.High >> (104 - 64)) & 0xF_FFFF);           // PV 123:104
        Assert.Equal(0b10UL, (frcd.High >> (124 - 64)) & 0b11);                   // AT 125:124
        Assert.Equal(1UL, (frcd.High >> (126 - 64)) & 1);                         // T1
        Assert.False(frcd.F);                                                     // F is the unit's last store
    }

    [Theory]
    [InlineData(FaultRequestType.Write, 0UL)]
    [InlineData(FaultRequestType.PageRequest, 1UL << (92 - 64))]
    [InlineData(FaultRequestType.Read, 1UL << (126 - 64))]
    [InlineData(FaultRequestType.AtomicOp, (1UL << (126 - 64)) | (1UL << (92 - 64)))]
    public void RequestType_IsT1T2(FaultRequestType type, ulong typeBits)
    {
        var frcd = FaultRecordingRegister.Create(new FaultRecord(1, 0, FaultReason.ReadDenied, type), reportsAddressType: false);

        Assert.Equal(typeBits, frcd.High & ((1UL << (126 - 64)) | (1UL << (92 - 64))));
        Assert.Equal(type, frcd.RequestType);
    }

    [Fact]
    public void Decode_ReadsBackWhatCreateWrote_AndHonoursPpAndDt()
    {
        var record = new FaultRecord(0x0310, 0xFEE0_0000, FaultReason.ReadDenied, FaultRequestType.Read, Pasid: 7, AddressType: FaultAddressType.Translated);
        var frcd = new FaultRecordingRegister(
            FaultRecordingRegister.Create(record, reportsAddressType: false).Low,
            FaultRecordingRegister.Create(record, reportsAddressType: false).High | FaultRecordingRegister.FaultBit);

        Assert.True(frcd.F);
        Assert.Equal((ushort)0x0310, frcd.SID);
        Assert.Equal(FaultReason.ReadDenied, frcd.FR);
        Assert.Equal(0xFEE0_0000UL, frcd.FI);
        Assert.False(frcd.PP);
        Assert.Equal(0u, frcd.PV);                                // no PP: PV stays 0
        Assert.Equal(FaultAddressType.Untranslated, frcd.AT);    // no ECAP.DT: AT is reserved
    }
}
