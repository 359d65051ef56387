using VtdEmu.Caches;
using VtdEmu.Invalidation;
using VtdEmu.Registers;
using VtdEmu.Translation;
using D = VtdEmu.Tests.Invalidation.QueueDescriptors;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    private const uint Iqe = (uint)FaultStatus.IQE;
    private const uint Ite = (uint)FaultStatus.ITE;
    private const uint Ice = (uint)FaultStatus.ICE;

    private uint Status(ulong address = StatusAddress) => _memory.TryRead32(address, out uint value) ? value : 0xDEAD;

    private static int Iqei(RemappingUnit unit) => (int)(Read64(unit, VtdRegister.IQERCD) & 0xF);

    [Fact]
    public void Queue_ContextAndIotlbDescriptors_SameEffectsAsRequested_IqhReachesTail()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(
            D.Context(3, DidA, sid: 0x10, fm: 3),
            D.Context(2, DidB),
            D.Iotlb(3, DidA, 0x2000, am: 1),
            D.Iotlb(2, DidB),
            D.Wait(sw: true, data: 0x1234, address: StatusAddress));

        Assert.Equal((ulong)queue.Tail, queue.Head);
        Assert.Equal(0, unit.Caches.ContextCache.Count);
        Assert.False(HasPage(unit, DidA, 0x2000));
        Assert.False(HasPage(unit, DidA, 0x3000));
        Assert.True(HasPage(unit, DidA, 0x4000));
        Assert.False(HasPage(unit, DidB, 0x4000));
        Assert.False(HasPde(unit, DidA)); // IH = 0
        Assert.Equal(0x1234u, Status());
        InvalidationStatistics statistics = unit.InvalidationStatistics;
        Assert.Equal(5, statistics.DescriptorsProcessed);
        Assert.Equal(1, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.ContextDevice));
        Assert.Equal(1, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.IotlbPage));
        Assert.Equal(1, statistics.WaitsCompleted);
    }

    [Fact]
    public void Queue_GlobalDescriptors_EmptyCaches()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Context(1), D.Iotlb(1, drain: true));

        Assert.Equal(0, unit.Caches.ContextCache.Count + unit.Caches.Iotlb.Count + unit.Caches.PagingStructureCache.Count);
    }

    [Fact]
    public void Queue_InterruptEntryDescriptors_Counted()
    {
        RemappingUnit unit = NewUnit();
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.InterruptEntry(false), D.InterruptEntry(true, im: 4, index: 0x30), D.InterruptEntry(true, im: 4, index: 0x30));

        InvalidationStatistics statistics = unit.InvalidationStatistics;
        Assert.Equal(1, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.InterruptEntryGlobal));
        Assert.Equal(2, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.InterruptEntryIndex));
    }

    [Fact]
    public void Queue_PasidDescriptors_ScalableMode_RemoveFirstLevelAndPasidEntries()
    {
        RemappingUnit unit = NewUnit("sapphire-rapids");
        LatchRoot(unit, TranslationTableMode.Scalable);
        VtdEmu.Caches.Iotlb iotlb = unit.Caches.Iotlb;
        Assert.True(iotlb.Fill(new IotlbEntry(DidA, 7, TranslationKind.FirstLevel, 0x1000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite)));
        Assert.True(iotlb.Fill(new IotlbEntry(DidA, 7, TranslationKind.FirstLevel, 0x5000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite, global: true)));
        Assert.True(iotlb.Fill(new IotlbEntry(DidA, 8, TranslationKind.FirstLevel, 0x1000, PageSize.Size4K, 0x9000, DmaAccess.ReadWrite)));
        Assert.True(unit.Caches.PasidCache.Fill(new PasidCacheEntry(0x10, 7, DidA, [])));
        Assert.True(unit.Caches.PasidCache.Fill(new PasidCacheEntry(0x10, 8, DidA, [])));
        var queue = new InvalidationQueueDriver(unit, _memory, wide: true);
        queue.Submit(D.PasidIotlb(2, DidA, 7), D.PasidCache(1, DidA, 7), D.PasidDeviceTlb(0x10, 7, global: true), D.DeviceTlb(0x10, 0x1000));

        Assert.False(iotlb.TryLookup(DidA, 7, TranslationKind.FirstLevel, 0x1000, out _));
        Assert.True(iotlb.TryLookup(DidA, 7, TranslationKind.FirstLevel, 0x5000, out _)); // G=1 survives the non-global flush
        Assert.True(iotlb.TryLookup(DidA, 8, TranslationKind.FirstLevel, 0x1000, out _));
        Assert.False(unit.Caches.PasidCache.TryLookup(0x10, 7, out _));
        Assert.True(unit.Caches.PasidCache.TryLookup(0x10, 8, out _));

        queue.Submit(D.PasidIotlb(3, DidA, 7, 0x5000), D.PasidCache(0, DidA), D.PasidCache(3, 0));
        Assert.False(iotlb.TryLookup(DidA, 7, TranslationKind.FirstLevel, 0x5000, out _));
        Assert.Equal(0, unit.Caches.PasidCache.Count);
        Assert.Equal((ulong)queue.Tail, queue.Head);
        InvalidationStatistics statistics = unit.InvalidationStatistics;
        Assert.Equal(7, statistics.DescriptorsProcessed);
        Assert.Equal(1, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.PasidDeviceTlb));
        Assert.Equal(1, statistics.Performed(InvalidationSource.Queue, InvalidationRequest.DeviceTlb));
    }

    [Fact]
    public void Queue_Wraparound_HeadAndTailWrapTogether()
    {
        RemappingUnit unit = NewUnit();
        var queue = new InvalidationQueueDriver(unit, _memory); // QS = 0: 256 descriptors of 16 bytes
        for (int i = 0; i < 250; i++)
        {
            queue.Put(D.Wait());
        }

        queue.WriteTail();
        Assert.Equal(250UL * 16, queue.Head);
        for (uint i = 0; i < 10; i++)
        {
            queue.Put(D.Wait(sw: true, data: i, address: StatusAddress + (4 * i)));
        }

        queue.WriteTail();
        Assert.Equal(4UL * 16, queue.Head);
        Assert.Equal((ulong)queue.Tail, queue.Head);
        for (uint i = 0; i < 10; i++)
        {
            Assert.Equal(i, Status(StatusAddress + (4 * i)));
        }
    }

    [Fact]
    public void Queue_WaitWithIf_SetsIwcAndSendsMessageWhenUnmasked()
    {
        RemappingUnit unit = NewUnit();
        unit.Write((ulong)VtdRegister.IEDATA, 4, 0x41);
        unit.Write((ulong)VtdRegister.IEADDR, 4, 0xFEE0_0000);
        unit.Write((ulong)VtdRegister.IECTL, 4, 0); // IM = 0
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait(sw: true, interrupt: true, data: 7, address: StatusAddress));

        Assert.Equal(1u, Read32(unit, VtdRegister.ICS));
        Assert.Equal([(0xFEE0_0000UL, 0x41u)], _sink.Messages);
        Assert.Equal(7u, Status());

        // IWC still set: a second completion raises no new event.
        queue.Submit(D.Wait(interrupt: true));
        Assert.Single(_sink.Messages);
    }

    [Fact]
    public void Queue_WaitWithIf_MaskedHoldsIpUntilUnmasked()
    {
        RemappingUnit unit = NewUnit(); // IECTL resets with IM = 1
        unit.Write((ulong)VtdRegister.IEDATA, 4, 0x42);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait(interrupt: true));

        Assert.Equal(1u, Read32(unit, VtdRegister.ICS));
        Assert.Equal((uint)(EventControl.IM | EventControl.IP), Read32(unit, VtdRegister.IECTL));
        Assert.Empty(_sink.Messages);

        unit.Write((ulong)VtdRegister.IECTL, 4, 0);
        Assert.Equal([(0UL, 0x42u)], _sink.Messages);
        Assert.Equal(0u, Read32(unit, VtdRegister.IECTL));
    }

    [Fact]
    public void Queue_WritesIgnoredWhileQiDisabled_ProcessedOnEnable()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        var queue = new InvalidationQueueDriver(unit, _memory);
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.QIE, false);
        queue.Submit(D.Iotlb(1));
        Assert.Equal(16, unit.Caches.Iotlb.Count);
        Assert.Equal(0UL, queue.Head);

        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.QIE, true);
        Assert.Equal(0, unit.Caches.Iotlb.Count);
        Assert.Equal((ulong)queue.Tail, queue.Head);
    }

    public static TheoryData<string, ulong, ulong> BadDescriptors => new()
    {
        // preset, QW0, QW1 — each is invalid on the unit (legacy mode, DW = 0)
        { "qemu", 0x205, 0 },                              // type 0x15 (bits 11:9 alias)
        { "qemu", 0x9, 0 },                                // type 9 (page group response, no PRS)
        { "qemu", 0x3, 0 },                                // device-TLB without ECAP.DT
        { "broadwell", 0x6 | 0x20, 0 },                    // PASID-based IOTLB in legacy mode
        { "broadwell", 0x7, 0 },                           // PASID cache in legacy mode
        { "broadwell", 0x8, 0 },                           // PASID device-TLB in legacy mode
    };

    [Theory]
    [MemberData(nameof(BadDescriptors))]
    public void Queue_UnsupportedType_Iqei3_HeadStaysOnIt(string preset, ulong qw0, ulong qw1) =>
        AssertQueueStopsAtBadDescriptor(NewUnit(preset), (qw0, qw1), InvalidationQueueError.InvalidType);

    public static TheoryData<ulong, ulong> ReservedViolations => new()
    {
        { D.Context(1).Qw0 | (1UL << 6), 0 },                        // cc: bit 6
        { D.Context(1).Qw0, 1 },                                     // cc: QW1
        { D.Context(0).Qw0, 0 },                                     // cc: G = 00
        { D.Iotlb(1).Qw0 | (1UL << 40), 0 },                         // iotlb: 63:32
        { D.Iotlb(3).Qw0, 0x80 },                                    // iotlb: QW1 bit 7
        { D.Iotlb(0).Qw0, 0 },                                       // iotlb: G = 00
        { D.Iotlb(3).Qw0, 19 },                                      // iotlb: AM 19 > MAMV 18
        { D.InterruptEntry(true, im: 16).Qw0, 0 },                   // iec: IM 16 > MHMV 15
        { D.InterruptEntry(false).Qw0 | (1UL << 50), 0 },            // iec: 63:48
        { D.Wait().Qw0 | (1UL << 7), 0 },                            // wait: PD without PDS
        { D.Wait().Qw0 | (1UL << 12), 0 },                           // wait: 31:12
        { D.Wait().Qw0, 2 },                                         // wait: QW1 1:0
        { D.DeviceTlb(1).Qw0 | (1UL << 5), 0 },                      // dev-TLB: 8:4
        { D.DeviceTlb(1).Qw0, 0x800 },                               // dev-TLB: QW1 11:1
    };

    // broadwell: DT, IR, MAMV 18, MHMV 15, no PDS.
    [Theory]
    [MemberData(nameof(ReservedViolations))]
    public void Queue_ReservedFieldViolation_Iqei4(ulong qw0, ulong qw1) =>
        AssertQueueStopsAtBadDescriptor(NewUnit("broadwell"), (qw0, qw1), InvalidationQueueError.ReservedField);

    // Two good waits, the bad descriptor, one more wait: the first two complete, IQH stays on the bad one.
    private void AssertQueueStopsAtBadDescriptor(RemappingUnit unit, (ulong, ulong) bad, InvalidationQueueError expected)
    {
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Put(D.Wait(sw: true, data: 1, address: StatusAddress));
        queue.Put(D.Wait(sw: true, data: 2, address: StatusAddress + 4));
        int at = queue.Put(bad);
        queue.Put(D.Wait(sw: true, data: 3, address: StatusAddress + 8));
        queue.WriteTail();

        Assert.Equal(Iqe, Read32(unit, VtdRegister.FSTS) & (Iqe | Ite | Ice));
        Assert.Equal((int)expected, Iqei(unit));
        Assert.Equal((ulong)at, queue.Head);
        Assert.Equal((1u, 2u, 0u), (Status(), Status(StatusAddress + 4), Status(StatusAddress + 8)));
        Assert.Equal(1, unit.InvalidationStatistics.QueueErrors);
    }

    [Fact]
    public void Queue_IqeClear_ResumesAtHeadAfterSoftwareFixedTheSlot()
    {
        RemappingUnit unit = NewUnit();
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Put(D.Wait(sw: true, data: 1, address: StatusAddress));
        int bad = queue.Put((0xF, 0));
        queue.Put(D.Wait(sw: true, data: 3, address: StatusAddress + 8));
        queue.WriteTail();
        Assert.Equal((ulong)bad, queue.Head);

        // More work while IQE is set: nothing is fetched.
        queue.Submit(D.Wait(sw: true, data: 4, address: StatusAddress + 12));
        Assert.Equal((ulong)bad, queue.Head);
        Assert.Equal(0u, Status(StatusAddress + 12));

        // Software replaces the bad descriptor (as Linux does, with a wait) and clears IQE: fetching resumes at IQH.
        (ulong qw0, ulong qw1) = D.Wait(sw: true, data: 2, address: StatusAddress + 4);
        Assert.True(_memory.TryWrite64(queue.QueueBase + (ulong)bad, qw0));
        Assert.True(_memory.TryWrite64(queue.QueueBase + (ulong)bad + 8, qw1));
        unit.Write((ulong)VtdRegister.FSTS, 4, Iqe);

        Assert.Equal(0u, Read32(unit, VtdRegister.FSTS) & Iqe);
        Assert.Equal((ulong)queue.Tail, queue.Head);
        Assert.Equal((2u, 3u, 4u), (Status(StatusAddress + 4), Status(StatusAddress + 8), Status(StatusAddress + 12)));
    }

    [Fact]
    public void Queue_TailBeyondQueueSize_Iqei1()
    {
        RemappingUnit unit = NewUnit();
        _ = new InvalidationQueueDriver(unit, _memory); // QS = 0: 4 KiB
        unit.Write((ulong)VtdRegister.IQT, 8, 0x1000);

        Assert.Equal(Iqe, Read32(unit, VtdRegister.FSTS) & Iqe);
        Assert.Equal((int)InvalidationQueueError.InvalidTail, Iqei(unit));
        Assert.Equal(0UL, Read64(unit, VtdRegister.IQH));
    }

    [Fact]
    public void Queue_QueueOutsideRam_Iqei2()
    {
        RemappingUnit unit = NewUnit();
        var queue = new InvalidationQueueDriver(unit, _memory, queueBase: 1UL << 30); // the first page past RAM
        queue.Unit.Write((ulong)VtdRegister.IQT, 8, 0x10);

        Assert.Equal((int)InvalidationQueueError.FetchError, Iqei(unit));
        Assert.Equal(0UL, queue.Head);
    }

    [Fact]
    public void Queue_WideOnUnitWithout256BitDescriptors_Iqei5()
    {
        RemappingUnit unit = NewUnit(); // qemu: no SMTS, no ADMS
        var queue = new InvalidationQueueDriver(unit, _memory, wide: true);
        queue.Submit(D.Wait());

        Assert.Equal((int)InvalidationQueueError.InvalidWidth, Iqei(unit));
        Assert.Equal(0UL, queue.Head);
    }

    [Fact]
    public void Queue_NarrowInScalableMode_Iqei5()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        LatchRoot(unit, TranslationTableMode.Scalable);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait());

        Assert.Equal((int)InvalidationQueueError.InvalidWidth, Iqei(unit));
    }

    [Fact]
    public void Queue_WideInLegacyMode_Accepted_UpperHalfMustBeZero()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        var queue = new InvalidationQueueDriver(unit, _memory, wide: true);
        queue.Submit(D.Wait(sw: true, data: 5, address: StatusAddress));
        Assert.Equal(5u, Status());
        Assert.Equal(32UL, queue.Head);

        queue.Put(D.Wait(), qw2: 1);
        queue.WriteTail();
        Assert.Equal((int)InvalidationQueueError.ReservedField, Iqei(unit));
        Assert.Equal(32UL, queue.Head);
    }

    [Fact]
    public void Queue_WideTailWithBit4_Iqei6()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        _ = new InvalidationQueueDriver(unit, _memory, wide: true);
        unit.Write((ulong)VtdRegister.IQT, 8, 0x30);

        Assert.Equal((int)InvalidationQueueError.TailMisaligned, Iqei(unit));
    }

    [Theory]
    [InlineData("qemu", TranslationTableMode.Reserved)]
    [InlineData("qemu", TranslationTableMode.Scalable)] // no SMTS
    [InlineData("qemu-sm", TranslationTableMode.AbortDma)] // no ADMS
    public void Queue_UnsupportedTtm_Iqei7(string preset, TranslationTableMode mode)
    {
        RemappingUnit unit = NewUnit(preset);
        LatchRoot(unit, mode);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait());

        Assert.Equal((int)InvalidationQueueError.InvalidTranslationTableMode, Iqei(unit));
    }

    [Fact]
    public void Queue_DeviceTlbTimeout_AbortsPendingWaits_OtherWorkDone_IteStopsFetching()
    {
        RemappingUnit unit = NewUnit("broadwell");
        FillCaches(unit.Caches);
        unit.SetDeviceTlbBehaviour(0x0310, DeviceTlbBehaviour.TimesOut);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(
            D.Wait(sw: true, data: 1, address: StatusAddress),
            D.DeviceTlb(0x0310),
            D.Wait(sw: true, interrupt: true, data: 2, address: StatusAddress + 4),
            D.Iotlb(1),
            D.Wait(sw: true, data: 3, address: StatusAddress + 8));

        Assert.Equal(Ite, Read32(unit, VtdRegister.FSTS) & (Iqe | Ite | Ice));
        Assert.Equal(0x0310UL, (Read64(unit, VtdRegister.IQERCD) >> 32) & 0xFFFF);
        Assert.Equal((1u, 0u, 0u), (Status(), Status(StatusAddress + 4), Status(StatusAddress + 8)));
        Assert.Equal(0u, Read32(unit, VtdRegister.ICS)); // aborted: no IWC
        Assert.Equal(0, unit.Caches.Iotlb.Count);     // FN = 0: the IOTLB flush after it still ran
        Assert.Equal((ulong)queue.Tail, queue.Head);
        InvalidationStatistics statistics = unit.InvalidationStatistics;
        Assert.Equal((1L, 2L, 1L), (statistics.WaitsCompleted, statistics.WaitsAborted, statistics.Timeouts));

        // While ITE is set nothing is fetched; clearing it resumes.
        queue.Submit(D.Wait(sw: true, data: 4, address: StatusAddress + 12));
        Assert.Equal(0u, Status(StatusAddress + 12));
        unit.Write((ulong)VtdRegister.FSTS, 4, Ite);
        Assert.Equal(4u, Status(StatusAddress + 12));
    }

    [Fact]
    public void Queue_FencedWaitAfterTimeout_StopsFetchingRightAfterIt()
    {
        RemappingUnit unit = NewUnit("broadwell");
        FillCaches(unit.Caches);
        unit.SetDeviceTlbBehaviour(0x0310, DeviceTlbBehaviour.TimesOut);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Put(D.DeviceTlb(0x0310));
        queue.Put(D.Wait(sw: true, fence: true, data: 2, address: StatusAddress));
        int afterFence = queue.Put(D.Iotlb(1));
        queue.Put(D.Wait(sw: true, data: 3, address: StatusAddress + 4));
        queue.WriteTail();

        Assert.Equal((ulong)afterFence, queue.Head);
        Assert.Equal(16, unit.Caches.Iotlb.Count); // behind the fence: not fetched
        Assert.Equal((0u, 0u), (Status(), Status(StatusAddress + 4)));

        // Software clears ITE (Linux marks the fetched waits aborted): what is behind the fence now runs.
        unit.Write((ulong)VtdRegister.FSTS, 4, Ite);
        Assert.Equal(0, unit.Caches.Iotlb.Count);
        Assert.Equal(3u, Status(StatusAddress + 4));
        Assert.Equal((ulong)queue.Tail, queue.Head);
    }

    [Fact]
    public void Queue_DeviceTlbBadCompletion_IceRecorded_ProcessingContinues()
    {
        RemappingUnit unit = NewUnit("broadwell");
        unit.SetDeviceTlbBehaviour(0x0420, DeviceTlbBehaviour.BadCompletion);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.DeviceTlb(0x0420, 0x7000), D.DeviceTlb(0x0421), D.Wait(sw: true, data: 9, address: StatusAddress));

        Assert.Equal(Ice, Read32(unit, VtdRegister.FSTS) & (Iqe | Ite | Ice));
        Assert.Equal(0x0420UL, Read64(unit, VtdRegister.IQERCD) >> 48);
        Assert.Equal(9u, Status());
        Assert.Equal((ulong)queue.Tail, queue.Head);
        Assert.Equal(1, unit.InvalidationStatistics.CompletionErrors);
    }

    [Fact]
    public void Queue_WaitOnly_IsAnOrderingPoint_NoStatusNoEvent()
    {
        RemappingUnit unit = NewUnit();
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait(fence: true));

        Assert.Equal(16UL, queue.Head);
        Assert.Equal(0u, Read32(unit, VtdRegister.ICS));
        Assert.Equal(1, unit.InvalidationStatistics.WaitsCompleted);
    }

    [Fact]
    public void Queue_DwChangedWhileEnabled_HeadOffTheWideGrid_StopsAfterOneLap()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.Wait()); // IQH = 0x10

        // Every 32-byte slot starting at 16 mod 32 holds a valid wide wait (upper half zero).
        for (ulong offset = 16; offset < 4096; offset += 32)
        {
            Assert.True(_memory.TryWrite64(queue.QueueBase + offset, D.Wait().Qw0));
        }

        unit.Write((ulong)VtdRegister.IQA, 8, queue.QueueBase | 0x800);
        unit.Write((ulong)VtdRegister.IQT, 8, 0);

        Assert.Equal(0x10UL, queue.Head);
        Assert.Equal(1 + 128, unit.InvalidationStatistics.DescriptorsProcessed);
    }

    [Fact]
    public void Queue_ErrorsRaiseOneFaultEvent_UntilServiced()
    {
        RemappingUnit unit = NewUnit("broadwell");
        unit.Write((ulong)VtdRegister.FEDATA, 4, 0x51);
        unit.Write((ulong)VtdRegister.FEADDR, 4, 0xFEE0_1000);
        unit.Write((ulong)VtdRegister.FECTL, 4, 0); // IM = 0
        unit.SetDeviceTlbBehaviour(0x0420, DeviceTlbBehaviour.BadCompletion);
        var queue = new InvalidationQueueDriver(unit, _memory);
        queue.Submit(D.DeviceTlb(0x0420));
        Assert.Equal([(0xFEE0_1000UL, 0x51u)], _sink.Messages);

        // ICE still pending: the IQE that follows raises no second event (fault-recording.md §2).
        queue.Submit((0xF, 0));
        Assert.Equal(Iqe | Ice, Read32(unit, VtdRegister.FSTS) & (Iqe | Ice));
        Assert.Single(_sink.Messages);
    }
}
