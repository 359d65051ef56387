using CsCheck;
using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Invalidation;
using VtdEmu.Registers;
using VtdEmu.Tests.Invalidation;

namespace VtdEmu.Tests.Devices;

/// <summary>
/// The page request queue (VT-d spec §7.4–§7.5, §11.4.11; spec-notes/page-requests.md): descriptors
/// at PQT, wraparound, overflow (PRO, the unit's own response), the page request event, and page
/// group responses reaching the device.
/// </summary>
public sealed class PageRequestTests
{
    private const ushort Device = PageRequestRig.Device;
    private const int Slot = PageRequestQueue.DescriptorBytes;

    [Fact]
    public void NotPresentFirstLevel_CompletionGrantsNothing_PageRequestDescriptorWrittenAtPqt()
    {
        var rig = new PageRequestRig();

        AtsCompletion completion = rig.Endpoint.AtsTranslateOrRequestPage(0x7000_1234, 5, out PageRequestOutcome? outcome, write: true);

        Assert.True(completion.Success && !completion.GrantsAccess);
        Assert.Equal(PageRequestOutcome.Queued, outcome);
        Assert.Equal((ulong)Slot, rig.Tail);
        Assert.Equal(0UL, rig.Head);

        // QW0: type 1, PP 0, RID 31:16. QW1: RDR, WRR, LPIG, PRGI 5 in 11:3, the page in 63:12.
        Assert.Equal((1UL | ((ulong)Device << 16), 0x7000_1000UL | 0b111 | (5UL << 3), 0UL, 0UL), rig.Descriptor(0));
        Assert.Equal(PageRequestStatus.PPR, rig.Status);
        Assert.Equal([(PageRequestRig.EventAddress, PageRequestRig.EventData)], rig.Sink.Messages);
        Assert.Equal(0u, (uint)rig.Unit.Read((ulong)VtdRegister.FSTS, 4) & (uint)FaultStatus.PPF);
        Assert.Null(rig.Endpoint.PageResponse(5));
    }

    [Fact]
    public void Completion_GrantingTheAccess_SendsNoPageRequest()
    {
        var rig = new PageRequestRig();
        rig.Unit.Write((ulong)VtdRegister.GCMD, 4, 0); // TE = 0: every translation request completes with full rights

        rig.Endpoint.AtsTranslateOrRequestPage(0x1000, 1, out PageRequestOutcome? outcome, write: true);

        Assert.Null(outcome);
        Assert.Equal(0UL, rig.Tail);
    }

    [Fact]
    public void RequestWithPasid_DescriptorCarriesPasidExecuteAndPrivilege()
    {
        var rig = new PageRequestRig();

        PageRequestOutcome outcome = rig.Unit.RequestPage(
            new PageRequest(Device, 0xABC_D000, Read: true, Write: false, LastInGroup: false, GroupIndex: 0x1FF, Pasid: 0x8_1234, Execute: true, Privileged: true));

        Assert.Equal(PageRequestOutcome.Queued, outcome);
        (ulong qw0, ulong qw1, _, _) = rig.Descriptor(0);
        Assert.Equal(1UL | (1UL << 8) | ((ulong)Device << 16) | (0x8_1234UL << 32) | (1UL << 52) | (1UL << 53), qw0);
        Assert.Equal(0xABC_D000UL | 1 | (0x1FFUL << 3), qw1);
    }

    [Fact]
    public void FullQueue_Overflows_SetsPro_DropsTheRequest_AndTheUnitAnswersSuccessForALastInGroupRequest()
    {
        var rig = new PageRequestRig();
        int capacity = (rig.QueueBytes / Slot) - 1; // one slot stays empty: PQT + 32 == PQH means full
        for (int i = 0; i < capacity; i++)
        {
            Assert.Equal(PageRequestOutcome.Queued, rig.Endpoint.RequestPage((ulong)i << 12, (ushort)(i % 512)));
        }

        ulong tail = rig.Tail;
        PageRequestOutcome notLast = rig.Endpoint.RequestPage(0xF000_0000, 300, lastInGroup: false);
        PageRequestOutcome last = rig.Endpoint.RequestPage(0xF000_1000, 301);

        Assert.Equal((ulong)(capacity * Slot), tail);
        Assert.Equal(PageRequestOutcome.Overflowed, notLast);
        Assert.Equal(PageRequestOutcome.Overflowed, last);
        Assert.Equal(tail, rig.Tail);
        Assert.Equal(PageRequestStatus.PPR | PageRequestStatus.PRO, rig.Status);
        Assert.Null(rig.Endpoint.PageResponse(300));
        Assert.Equal(new PageGroupResponse(Device, 301, PageResponseCode.Success, FromUnit: true), rig.Endpoint.PageResponse(301));

        // PPR was already set: the overflow raises no second event.
        Assert.Single(rig.Sink.Messages);

        // Software drains the queue and clears both bits: the next request is queued and signalled again.
        rig.Unit.Write((ulong)VtdRegister.PQH, 8, tail);
        Assert.Equal(PageRequestOutcome.Overflowed, rig.Endpoint.RequestPage(0xF000_2000, 302)); // PRO still set
        rig.Unit.Write((ulong)VtdRegister.PRS, 4, (uint)(PageRequestStatus.PPR | PageRequestStatus.PRO));
        Assert.Equal(PageRequestOutcome.Queued, rig.Endpoint.RequestPage(0xF000_3000, 303));
        Assert.Equal(2, rig.Sink.Messages.Count);
    }

    [Fact]
    public void Tail_WrapsToTheQueueBase()
    {
        var rig = new PageRequestRig();
        ulong lastSlot = (ulong)(rig.QueueBytes - Slot);
        rig.Unit.Write((ulong)VtdRegister.PQH, 8, lastSlot);
        rig.Unit.Write((ulong)VtdRegister.PQT, 8, lastSlot);

        rig.Endpoint.RequestPage(0x1000, 1);
        rig.Endpoint.RequestPage(0x2000, 2);

        Assert.Equal((ulong)Slot, rig.Tail);
        Assert.Equal(0x1000UL, rig.Descriptor(lastSlot).Qw1 & ~0xFFFUL);
        Assert.Equal(0x2000UL, rig.Descriptor(0).Qw1 & ~0xFFFUL);
    }

    [Fact]
    public void RandomRequestsAndHeadMoves_MatchARingModel()
    {
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 300].Array[1, 60]).Sample((pqs, steps) =>
        {
            var rig = new PageRequestRig(pqs);
            int size = rig.QueueBytes;
            int head = 0, tail = 0;
            bool overflow = false;
            foreach (int step in steps)
            {
                if (step < 250)
                {
                    // A burst of requests, each expected queued unless the ring is full (then PRO sticks).
                    for (int i = 0; i <= step % 40; i++)
                    {
                        bool full = (tail + Slot) % size == head;
                        overflow |= full;
                        PageRequestOutcome outcome = rig.Endpoint.RequestPage((ulong)tail << 12, (ushort)(step & 0x1FF));
                        Assert.Equal(overflow ? PageRequestOutcome.Overflowed : PageRequestOutcome.Queued, outcome);
                        if (!overflow)
                        {
                            Assert.Equal((ulong)tail << 12, rig.Descriptor((ulong)tail).Qw1 & ~0xFFFUL);
                            tail = (tail + Slot) % size;
                        }
                    }
                }
                else
                {
                    // Software consumes everything and clears PPR/PRO, as Linux's PRQ thread does.
                    head = tail;
                    overflow = false;
                    rig.Unit.Write((ulong)VtdRegister.PQH, 8, (ulong)head);
                    rig.Unit.Write((ulong)VtdRegister.PRS, 4, 3);
                }

                Assert.Equal((ulong)tail, rig.Tail);
                Assert.Equal(overflow, (rig.Status & PageRequestStatus.PRO) != 0);
            }
        }, iter: 40);
    }

    [Fact]
    public void MaskedEvent_SetsIp_UnmaskingSendsIt()
    {
        var rig = new PageRequestRig(unmasked: false);

        rig.Endpoint.RequestPage(0x1000, 1);

        Assert.Empty(rig.Sink.Messages);
        Assert.Equal(EventControl.IM | EventControl.IP, rig.Control);
        rig.Unit.Write((ulong)VtdRegister.PECTL, 4, 0);
        Assert.Equal([(PageRequestRig.EventAddress, PageRequestRig.EventData)], rig.Sink.Messages);
        Assert.Equal(EventControl.None, rig.Control);
    }

    [Fact]
    public void MaskedEvent_ServicedBeforeUnmask_ClearsIp_AndNothingIsSent()
    {
        var rig = new PageRequestRig(unmasked: false);
        rig.Endpoint.RequestPage(0x1000, 1);

        rig.Unit.Write((ulong)VtdRegister.PRS, 4, (uint)PageRequestStatus.PPR);
        rig.Unit.Write((ulong)VtdRegister.PECTL, 4, 0);

        Assert.Equal(EventControl.None, rig.Control);
        Assert.Empty(rig.Sink.Messages);
    }

    [Fact]
    public void PageGroupResponse_ThroughTheInvalidationQueue_ReachesTheDeviceForItsPrgIndex()
    {
        var rig = new PageRequestRig();
        rig.Endpoint.RequestPage(0x1000, 7);
        rig.Endpoint.RequestPage(0x2000, 8, pasid: 3);

        rig.Queue.Submit(
            PageRequestRig.GroupResponse(Device, 7, (int)PageResponseCode.Success),
            PageRequestRig.GroupResponse(Device, 8, (int)PageResponseCode.InvalidRequest, pasid: 3),
            PageRequestRig.GroupResponse(0x0020, 9, (int)PageResponseCode.Success), // another requester
            QueueDescriptors.Wait());

        Assert.Equal((ulong)rig.Queue.Tail, rig.Queue.Head);
        Assert.Equal(new PageGroupResponse(Device, 7, PageResponseCode.Success), rig.Endpoint.PageResponse(7));
        Assert.Equal(new PageGroupResponse(Device, 8, PageResponseCode.InvalidRequest, 3), rig.Endpoint.PageResponse(8));
        Assert.Null(rig.Endpoint.PageResponse(9));
    }

    [Theory]
    [InlineData(0x5UL, 0UL)]          // reserved response code
    [InlineData(1UL << 7, 0UL)]       // QW0 8:6
    [InlineData(1UL << 60, 0UL)]      // QW0 63:52
    [InlineData(0UL, 1UL)]            // QW1 2:0
    [InlineData(0UL, 1UL << 12)]      // QW1 63:12
    public void PageGroupResponse_ReservedBits_IsAnInvalidDescriptor(ulong qw0Extra, ulong qw1Extra)
    {
        var rig = new PageRequestRig();
        (ulong qw0, ulong qw1) = PageRequestRig.GroupResponse(Device, 7, 0);
        ulong code = qw0Extra == 0x5 ? 0x5UL << 12 : 0;

        rig.Queue.Submit((qw0 | code | (qw0Extra == 0x5 ? 0 : qw0Extra), qw1 | qw1Extra));

        Assert.NotEqual(0u, (uint)rig.Unit.Read((ulong)VtdRegister.FSTS, 4) & (uint)FaultStatus.IQE);
        Assert.Equal((ulong)InvalidationQueueError.ReservedField, rig.Unit.Read((ulong)VtdRegister.IQERCD, 8) & 0xF);
        Assert.Null(rig.Endpoint.PageResponse(7));
    }

    [Fact]
    public void PreClear_RequestRejected_Fault47Recorded_UnitAnswersInvalidRequest()
    {
        var rig = new PageRequestRig(pre: false);

        PageRequestOutcome outcome = rig.Endpoint.RequestPage(0x5000, 4);

        Assert.Equal(PageRequestOutcome.Rejected, outcome);
        Assert.Equal(0UL, rig.Tail);
        FaultRecordingRegister frcd = FirstFault(rig.Unit);
        Assert.Equal(FaultReason.PageRequestDisabled, frcd.FR);
        Assert.Equal(FaultRequestType.PageRequest, frcd.RequestType);
        Assert.Equal(Device, frcd.SID);
        Assert.Equal(new PageGroupResponse(Device, 4, PageResponseCode.InvalidRequest, FromUnit: true), rig.Endpoint.PageResponse(4));
    }

    [Fact]
    public void LegacyMode_RequestRejected_Fault32Recorded()
    {
        var rig = new PageRequestRig();
        rig.Unit.Write((ulong)VtdRegister.RTADDR, 8, rig.Tables.RootTable); // TTM = 00b
        InvalidationQueueDriver.SetGlobalCommand(rig.Unit, GlobalCommand.SRTP, true);

        Assert.Equal(PageRequestOutcome.Rejected, rig.Endpoint.RequestPage(0x5000, 4));
        Assert.Equal(FaultReason.PageRequestInLegacyMode, FirstFault(rig.Unit).FR);
    }

    [Fact]
    public void UnitWithoutPrs_RegistersReadZero_AndRequestsAreNotAccepted()
    {
        var platform = new VtdEmu.Platform(UnitConfiguration.QemuScalable);
        PciEndpoint device = platform.AddDevice(Device);
        device.EnablePageRequests();
        foreach (VtdRegister register in (VtdRegister[])[VtdRegister.PQH, VtdRegister.PQT, VtdRegister.PQA, VtdRegister.PRS, VtdRegister.PECTL, VtdRegister.PEDATA, VtdRegister.PEADDR, VtdRegister.PEUADDR])
        {
            platform.Unit.Write((ulong)register, 4, 0xFFFF_FFFF);
            Assert.Equal(0UL, platform.Unit.Read((ulong)register, 4));
        }

        Assert.Equal(PageRequestOutcome.Unsupported, device.RequestPage(0x1000, 1));
    }

    [Fact]
    public void GarbageRegisterWrites_NeverThrow_AndDescriptorsStayInsideTheQueue()
    {
        Gen.Select(Gen.Int[0, 11], Gen.Bool, Gen.ULong).Array[1, 12].Sample(writes =>
        {
            var rig = new PageRequestRig();
            foreach ((int register, bool wide, ulong value) in writes)
            {
                int offset = 0xC0 + (register * 4);
                rig.Unit.Write((ulong)(wide ? offset & ~7 : offset), wide ? 8 : 4, value);
                PageRequestOutcome outcome = rig.Endpoint.RequestPage(0x1000, 1);
                Assert.True(Enum.IsDefined(outcome));
                if (outcome == PageRequestOutcome.Queued)
                {
                    // Whatever software wrote to PQH/PQT, the unit's new tail is inside the queue (offsets taken modulo its size).
                    ulong pqa = rig.Unit.Read((ulong)VtdRegister.PQA, 8);
                    Assert.True(rig.Tail < (4096UL << (int)(pqa & 7)));
                    Assert.Equal(0UL, rig.Tail % Slot);
                }
            }
        }, iter: 60);
    }

    private static FaultRecordingRegister FirstFault(RemappingUnit unit)
    {
        ulong offset = (ulong)unit.Configuration.Capability.FaultRecordingOffset;
        return new FaultRecordingRegister(unit.Read(offset, 8), unit.Read(offset + 8, 8));
    }
}
