using CsCheck;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tests.Registers;

namespace VtdEmu.Tests;

public sealed partial class RemappingUnitTests
{
    private const FaultStatus AnyPending =
        FaultStatus.PFO | FaultStatus.PPF | FaultStatus.AFO | FaultStatus.APF | FaultStatus.IQE | FaultStatus.ICE | FaultStatus.ITE;

    // Op codes: 0-3 record a fault (source-id from the argument), 4 clear FRCD.F (argument = index), 5 clear PFO,
    // 6 toggle FECTL.IM, 7 raise IQE, 8 clear IQE.
    private static readonly Gen<(int Op, int Argument)> s_faultOp = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 7]);

    [Theory]
    [InlineData("qemu")]
    [InlineData("broadwell")]
    public void RecordAndClear_RandomSequences_PpfIsOrOfF_EventRuleHolds(string preset)
    {
        UnitConfiguration configuration = UnitConfiguration.FindPreset(preset)!;
        s_faultOp.Array[1, 60].Sample(ops =>
        {
            var sink = new RecordingInterruptSink();
            var unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, 0x1000)), configuration, sink);
            bool masked = true;
            foreach ((int op, int argument) in ops)
            {
                FaultStatus before = (FaultStatus)Read32(unit, VtdRegister.FSTS);
                int delivered = sink.Messages.Count;
                bool raises = op <= 3 || op == 7;
                switch (op)
                {
                    case <= 3:
                        unit.RecordFault(new FaultRecord((ushort)argument, (ulong)argument << 12, FaultReason.ReadDenied, FaultRequestType.Read));
                        break;
                    case 4:
                        ClearFrcd(unit, argument % unit.Capability.FaultRecordingCount);
                        break;
                    case 5:
                        Write32(unit, VtdRegister.FSTS, (uint)FaultStatus.PFO);
                        break;
                    case 6:
                        masked = !masked;
                        Write32(unit, VtdRegister.FECTL, masked ? (uint)EventControl.IM : 0);
                        break;
                    case 7:
                        unit.ReportInvalidationQueueError(1);
                        break;
                    default:
                        Write32(unit, VtdRegister.FSTS, (uint)FaultStatus.IQE);
                        break;
                }

                FaultStatus after = (FaultStatus)Read32(unit, VtdRegister.FSTS);
                uint fectl = Read32(unit, VtdRegister.FECTL);
                bool anyF = false;
                for (int i = 0; i < unit.Capability.FaultRecordingCount; i++)
                {
                    anyF |= (FrcdHigh(unit, i) & FrcdF) != 0;
                }

                bool newCondition = raises && (before & AnyPending) == 0 && (after & AnyPending) != 0;
                bool ipHeld = (fectl & (uint)EventControl.IP) != 0;
                bool ok =
                    ((after & FaultStatus.PPF) != 0) == anyF
                    && (!ipHeld || (after & AnyPending) != 0)                   // IP only while something is pending
                    && (!ipHeld || masked)                                      // unmasked events never wait
                    && (!raises || sink.Messages.Count - delivered == (newCondition && !masked ? 1 : 0))
                    && (!raises || ipHeld == ((newCondition && masked) || (ipHeld && (before & AnyPending) != 0)));
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        });
    }
}
