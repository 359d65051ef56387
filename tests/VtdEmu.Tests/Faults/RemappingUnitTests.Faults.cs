using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Tests;

public sealed partial class RemappingUnitTests
{
    private const ulong FrcdF = 1UL << 63;

    private static FaultRecord Fault(ushort sid, ulong address = 0x1234_5678, FaultReason reason = FaultReason.ContextEntryNotPresent) =>
        new(sid, address, reason, FaultRequestType.Read);

    private static ulong FrcdHigh(RemappingUnit unit, int index) =>
        unit.Read((ulong)(unit.Capability.FaultRecordingOffset + (16 * index) + 8), 8);

    private static void ClearFrcd(RemappingUnit unit, int index) =>
        unit.Write((ulong)(unit.Capability.FaultRecordingOffset + (16 * index) + 12), 4, 0x8000_0000);

    private static uint Fri(RemappingUnit unit) => (Read32(unit, VtdRegister.FSTS) >> 8) & 0xFF;

    [Fact]
    public void RecordFault_AllFields_LandInFrcd()
    {
        RemappingUnit unit = NewUnit("broadwell"); // DT=1, so AT is recorded
        unit.RecordFault(new FaultRecord(
            0x0310, 0xDEAD_BEEF_F123, FaultReason.WriteDenied, FaultRequestType.AtomicOp,
            PasidPresent: true, Pasid: 0xABCDE, AddressType: FaultAddressType.Translated, Execute: true, Privileged: true));

        Assert.Equal(0xDEAD_BEEF_F000UL, unit.Read(0x100, 8));
        ulong high = FrcdHigh(unit, 0);
        Assert.Equal(0x0310UL, high & 0xFFFF);           // SID 79:64
        Assert.Equal(1UL, (high >> 28) & 1);             // T2 92
        Assert.Equal(1UL, (high >> 29) & 1);             // PRIV 93
        Assert.Equal(1UL, (high >> 30) & 1);             // EXE 94
        Assert.Equal(1UL, (high >> 31) & 1);             // PP 95
        Assert.Equal(0x05UL, (high >> 32) & 0xFF);       // FR 103:96
        Assert.Equal(0xABCDEUL, (high >> 40) & 0xFFFFF); // PV 123:104
        Assert.Equal(0b10UL, (high >> 60) & 3);          // AT 125:124
        Assert.Equal(1UL, (high >> 62) & 1);             // T1 126
        Assert.Equal(1UL, high >> 63);                   // F 127
        Assert.Equal((uint)FaultStatus.PPF, Read32(unit, VtdRegister.FSTS));
    }

    public static TheoryData<FaultRequestType, ulong, ulong> RequestTypeBits => new()
    {
        { FaultRequestType.Write, 0, 0 },
        { FaultRequestType.PageRequest, 0, 1 },
        { FaultRequestType.Read, 1, 0 },
        { FaultRequestType.AtomicOp, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(RequestTypeBits))]
    public void RecordFault_RequestType_EncodedInT1T2(FaultRequestType type, ulong t1, ulong t2)
    {
        RemappingUnit unit = NewUnit();
        unit.RecordFault(new FaultRecord(1, 0x1000, FaultReason.ReadDenied, type));
        ulong high = FrcdHigh(unit, 0);
        Assert.Equal(t1, (high >> 62) & 1);
        Assert.Equal(t2, (high >> 28) & 1);
    }

    [Fact]
    public void RecordFault_NoPasid_PvAndAtZero_WithoutDT()
    {
        RemappingUnit unit = NewUnit(); // qemu: DT=0, AT reserved
        unit.RecordFault(new FaultRecord(1, 0x1000, FaultReason.ReadDenied, FaultRequestType.Read, Pasid: 0x55, AddressType: FaultAddressType.Translated));
        ulong high = FrcdHigh(unit, 0);
        Assert.Equal(0UL, (high >> 40) & 0xFFFFF);
        Assert.Equal(0UL, (high >> 60) & 3);
        Assert.Equal(0UL, (high >> 31) & 1);
    }

    [Fact]
    public void RecordFault_FillsRecordsInCircularOrder_FriNamesFirst()
    {
        RemappingUnit unit = NewUnit("broadwell");
        for (ushort sid = 1; sid <= 3; sid++)
        {
            unit.RecordFault(Fault(sid));
        }

        Assert.Equal(0u, Fri(unit));
        Assert.Equal(3UL, FrcdHigh(unit, 2) & 0xFFFF);

        ClearFrcd(unit, 0);
        ClearFrcd(unit, 1);
        ClearFrcd(unit, 2);
        Assert.Equal(0u, Read32(unit, VtdRegister.FSTS) & (uint)FaultStatus.PPF);

        unit.RecordFault(Fault(9)); // next record is 3; PPF 0→1 moves FRI there
        Assert.Equal(3u, Fri(unit));
        unit.RecordFault(Fault(10)); // PPF already 1: FRI stays
        Assert.Equal(3u, Fri(unit));
    }

    [Fact]
    public void RecordFault_NextRecordOccupied_SetsPFO_EvenWithFreeRecordsElsewhere()
    {
        RemappingUnit unit = NewUnit("broadwell");
        for (ushort sid = 0; sid < 8; sid++)
        {
            unit.RecordFault(Fault(sid));
        }

        ClearFrcd(unit, 3); // next index wrapped to 0, which is still occupied
        unit.RecordFault(Fault(100));

        Assert.Equal((uint)(FaultStatus.PFO | FaultStatus.PPF), Read32(unit, VtdRegister.FSTS) & 0xFF);
        Assert.Equal(3UL, FrcdHigh(unit, 3) & (FrcdF | 0xFFFF)); // cleared record keeps its old fields, F = 0
    }

    [Fact]
    public void RecordFault_WhilePFO_Dropped_UntilPFOCleared()
    {
        RemappingUnit unit = NewUnit();
        unit.RecordFault(Fault(1));
        unit.RecordFault(Fault(2)); // one record on QEMU: overflow
        ClearFrcd(unit, 0);
        unit.RecordFault(Fault(3)); // PFO still set: dropped
        Assert.Equal(1UL, FrcdHigh(unit, 0) & (FrcdF | 0xFFFF));

        Write32(unit, VtdRegister.FSTS, (uint)FaultStatus.PFO);
        unit.RecordFault(Fault(4));
        Assert.Equal(FrcdF | 4, FrcdHigh(unit, 0) & (FrcdF | 0xFFFF));
    }

    [Fact]
    public void RecordFault_SameSourceWithCompression_Dropped_NoOverflow()
    {
        RemappingUnit unit = NewUnit(); // qemu preset compresses
        unit.RecordFault(Fault(7, 0x1000));
        unit.RecordFault(Fault(7, 0x2000));
        Assert.Equal((uint)FaultStatus.PPF, Read32(unit, VtdRegister.FSTS));
        Assert.Equal(0x1000UL, unit.Read(0x220, 8));
    }

    [Fact]
    public void RecordFault_SameSourceWithoutCompression_TakesNextRecord()
    {
        RemappingUnit unit = NewUnit("broadwell");
        unit.RecordFault(Fault(7, 0x1000));
        unit.RecordFault(Fault(7, 0x2000));
        Assert.Equal(0x2000UL, unit.Read(0x110, 8));
        Assert.Equal(FrcdF | 7, FrcdHigh(unit, 1) & (FrcdF | 0xFFFF));
    }

    [Fact]
    public void Write_FRCD_F_With64BitWrite_ClearsRecordAndPPF()
    {
        RemappingUnit unit = NewUnit();
        unit.RecordFault(Fault(1));
        unit.Write(0x228, 8, FrcdF);
        Assert.Equal(0UL, FrcdHigh(unit, 0) & FrcdF);
        Assert.Equal(1UL, FrcdHigh(unit, 0) & 0xFFFF); // the other fields stay until the next record overwrites them
        Assert.Equal(0u, Read32(unit, VtdRegister.FSTS) & (uint)FaultStatus.PPF);
    }

    [Fact]
    public void FaultEvent_Unmasked_DeliversFEDATAToFEADDR_Once()
    {
        RemappingUnit unit = NewUnit();
        Write32(unit, VtdRegister.FEDATA, 0x41);
        Write32(unit, VtdRegister.FEADDR, 0xFEE0_0000);
        Write32(unit, VtdRegister.FEUADDR, 0x1); // RsvdZ without EIM: not part of the address
        Write32(unit, VtdRegister.FECTL, 0);

        unit.RecordFault(Fault(1));
        unit.RecordFault(Fault(2)); // overflow while PPF pending: not a new condition

        Assert.Equal([(0xFEE0_0000UL, 0x41u)], _sink.Messages);
        Assert.Equal(0u, Read32(unit, VtdRegister.FECTL));
    }

    [Fact]
    public void FaultEvent_WithEIM_UsesFEUADDR()
    {
        RemappingUnit unit = NewUnit("broadwell");
        Write32(unit, VtdRegister.FEADDR, 0xFEE0_1000);
        Write32(unit, VtdRegister.FEUADDR, 0x0000_0002);
        Write32(unit, VtdRegister.FECTL, 0);
        unit.RecordFault(Fault(1));
        Assert.Equal([(0x2_FEE0_1000UL, 0u)], _sink.Messages);
    }

    [Fact]
    public void FaultEvent_Masked_HoldsIP_UnmaskDelivers()
    {
        RemappingUnit unit = NewUnit();
        Write32(unit, VtdRegister.FEDATA, 0x42);
        unit.RecordFault(Fault(1)); // FECTL resets with IM = 1

        Assert.Empty(_sink.Messages);
        Assert.Equal((uint)(EventControl.IM | EventControl.IP), Read32(unit, VtdRegister.FECTL));

        Write32(unit, VtdRegister.FECTL, 0);
        Assert.Equal([(0UL, 0x42u)], _sink.Messages);
        Assert.Equal(0u, Read32(unit, VtdRegister.FECTL));
    }

    [Fact]
    public void FaultEvent_MaskedThenServiced_ClearsIP_UnmaskSendsNothing()
    {
        RemappingUnit unit = NewUnit();
        unit.RecordFault(Fault(1));
        unit.RecordFault(Fault(2)); // PFO
        ClearFrcd(unit, 0);
        Assert.Equal((uint)(EventControl.IM | EventControl.IP), Read32(unit, VtdRegister.FECTL)); // PFO still pending

        Write32(unit, VtdRegister.FSTS, (uint)FaultStatus.PFO);
        Assert.Equal((uint)EventControl.IM, Read32(unit, VtdRegister.FECTL));
        Write32(unit, VtdRegister.FECTL, 0);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public void ReportInvalidationQueueError_SetsIQE_KeepsFirstIQEI_RaisesEvent()
    {
        RemappingUnit unit = NewUnit();
        Write32(unit, VtdRegister.FECTL, 0);
        unit.ReportInvalidationQueueError(6);
        unit.ReportInvalidationQueueError(1);

        Assert.Equal((uint)FaultStatus.IQE, Read32(unit, VtdRegister.FSTS));
        Assert.Equal(6UL, Read64(unit, VtdRegister.IQERCD));
        Assert.Single(_sink.Messages);
    }

    [Fact]
    public void ReportInvalidationTimeoutAndCompletionError_CaptureFirstSids()
    {
        RemappingUnit unit = NewUnit("broadwell");
        unit.ReportInvalidationTimeout(0x0100);
        unit.ReportInvalidationTimeout(0x0200);
        unit.ReportInvalidationCompletionError(0x0300);

        Assert.Equal(0x0300_0100_0000_0000UL, Read64(unit, VtdRegister.IQERCD));
        Assert.Equal((uint)(FaultStatus.ITE | FaultStatus.ICE), Read32(unit, VtdRegister.FSTS));
        Write32(unit, VtdRegister.FSTS, (uint)(FaultStatus.ITE | FaultStatus.ICE));
        Assert.Equal(0u, Read32(unit, VtdRegister.FSTS));
        Assert.Equal((uint)EventControl.IM, Read32(unit, VtdRegister.FECTL));
    }

    [Fact]
    public void InvalidationEvent_Unmasked_DeliversIEDATAToIEADDR()
    {
        RemappingUnit unit = NewUnit();
        Write32(unit, VtdRegister.IEDATA, 0x51);
        Write32(unit, VtdRegister.IEADDR, 0xFEE0_2000);
        Write32(unit, VtdRegister.IECTL, 0);
        unit.SignalInvalidationWaitCompletion();
        unit.SignalInvalidationWaitCompletion(); // IWC already 1: no new condition

        Assert.Equal(1u, Read32(unit, VtdRegister.ICS));
        Assert.Equal([(0xFEE0_2000UL, 0x51u)], _sink.Messages);
    }

    [Fact]
    public void InvalidationEvent_Masked_HoldsIP_ClearingIWCClearsIP()
    {
        RemappingUnit unit = NewUnit();
        unit.SignalInvalidationWaitCompletion();
        Assert.Equal((uint)(EventControl.IM | EventControl.IP), Read32(unit, VtdRegister.IECTL));

        Write32(unit, VtdRegister.ICS, 1);
        Assert.Equal(0u, Read32(unit, VtdRegister.ICS));
        Assert.Equal((uint)EventControl.IM, Read32(unit, VtdRegister.IECTL));
        Write32(unit, VtdRegister.IECTL, 0);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public void InvalidationEvent_MaskedThenUnmasked_Delivers()
    {
        RemappingUnit unit = NewUnit();
        unit.SignalInvalidationWaitCompletion();
        Write32(unit, VtdRegister.IECTL, 0);
        Assert.Single(_sink.Messages);
        Assert.Equal(0u, Read32(unit, VtdRegister.IECTL));
    }
}
