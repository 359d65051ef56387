using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tests.Builders;

namespace VtdEmu.Tests.Faults;

/// <summary>The <see cref="FaultRecorder"/> component on its own (VT-d spec §7.2.1, §7.4).</summary>
public sealed class FaultRecorderTests
{
    private readonly ComponentRig _rig = new(UnitConfiguration.Broadwell);

    private ulong FrcdHigh(int index) => _rig.Registers.Get64(_rig.Configuration.Capability.FaultRecordingOffset + (16 * index) + 8);

    [Fact]
    public void Record_SetsF_Ppf_AndSignalsTheFaultEventOnce()
    {
        _rig.Write(VtdRegister.FECTL, 4, 0); // unmask
        _rig.Faults.Record(new FaultRecord(0x10, 0x5000, FaultReason.WriteDenied, FaultRequestType.Write));
        _rig.Faults.Record(new FaultRecord(0x11, 0x6000, FaultReason.WriteDenied, FaultRequestType.Write));

        Assert.NotEqual(0UL, FrcdHigh(0) >> 63);
        Assert.NotEqual(FaultStatus.None, _rig.Faults.Status & FaultStatus.PPF);
        Assert.Single(_rig.Sink.Messages);
    }

    [Fact]
    public void GuestClearsF_PpfFollows_StatusWrittenRaisedOnlyForFsts()
    {
        int statusWrites = 0;
        _rig.Faults.StatusWritten += () => statusWrites++;
        _rig.Faults.Record(new FaultRecord(0x10, 0x5000, FaultReason.WriteDenied, FaultRequestType.Write));

        int frcd = _rig.Configuration.Capability.FaultRecordingOffset;
        _rig.Write((VtdRegister)(frcd + 12), 4, 1u << 31);
        Assert.Equal(FaultStatus.None, _rig.Faults.Status & FaultStatus.PPF);
        Assert.Equal(0, statusWrites);

        _rig.Write(VtdRegister.FSTS, 4, (uint)FaultStatus.PFO);
        Assert.Equal(1, statusWrites);
    }

    [Fact]
    public void InvalidationErrors_ShareFstsAndTheFaultEvent()
    {
        _rig.Write(VtdRegister.FECTL, 4, 0);
        _rig.Faults.ReportInvalidationQueueError(3);
        _rig.Faults.ReportInvalidationTimeout(0x42);

        Assert.Equal(FaultStatus.IQE | FaultStatus.ITE, _rig.Faults.Status & (FaultStatus.IQE | FaultStatus.ITE));
        Assert.Equal(3UL, _rig.Read64(VtdRegister.IQERCD) & 0xF);
        Assert.Equal(0x42UL, (_rig.Read64(VtdRegister.IQERCD) >> 32) & 0xFFFF);
        Assert.Single(_rig.Sink.Messages); // the second condition arrived while one was pending
    }
}
