using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Tests.Invalidation;
using VtdEmu.Tests.Registers;

namespace VtdEmu.Tests.Devices;

/// <summary>
/// A <c>qemu-sm-prs</c> platform set up the way Linux sets up page requests: scalable tables for one
/// device whose context entry has DTE and PRE and whose RID_PASID entry is first-level with an empty
/// PML4, a 256-bit invalidation queue, and the page request queue at <see cref="QueueBase"/> with
/// PQH = PQT = 0 and the event unmasked.
/// </summary>
internal sealed class PageRequestRig
{
    public const ushort Device = 0x0018; // 00:03.0
    public const ulong QueueBase = 0x2000_0000;
    public const uint EventData = 0x4041;
    public const ulong EventAddress = 0xFEE0_1000;

    public PageRequestRig(int pqs = 0, bool pre = true, bool unmasked = true)
    {
        Platform = new VtdEmu.Platform(UnitConfiguration.QemuScalablePageRequests, Sink);
        var builder = new TableBuilder(Platform.Memory);
        Tables = builder.Scalable(Device, 0, PasidEntry.Create(1, PasidGranularTranslationType.FirstLevel, 0, aw: 2), dte: true);
        builder.Write64(Tables.PasidEntry + 16, builder.AllocatePage()); // FLPTPTR (191:140): an empty PML4
        if (pre)
        {
            builder.Write64(Tables.ContextEntry, builder.Read64(Tables.ContextEntry) | (1UL << 4));
        }

        Unit.Write((ulong)VtdRegister.RTADDR, 8, Tables.RootTable | (1UL << 10)); // TTM = 01b, scalable
        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.SRTP, true);
        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.TE, true);
        Queue = new InvalidationQueueDriver(Unit, Platform.Memory, wide: true, queueBase: 0x3000_0000);
        Unit.Write((ulong)VtdRegister.PQH, 8, 0);
        Unit.Write((ulong)VtdRegister.PQT, 8, 0);
        Unit.Write((ulong)VtdRegister.PQA, 8, QueueBase | (uint)pqs);
        Unit.Write((ulong)VtdRegister.PEDATA, 4, EventData);
        Unit.Write((ulong)VtdRegister.PEADDR, 4, EventAddress);
        if (unmasked)
        {
            Unit.Write((ulong)VtdRegister.PECTL, 4, 0);
        }

        Endpoint = Platform.AddDevice(Device);
        Endpoint.EnableAts();
        Endpoint.EnablePageRequests();
        QueueBytes = 4096 << pqs;
    }

    public RecordingInterruptSink Sink { get; } = new();

    public VtdEmu.Platform Platform { get; }

    public RemappingUnit Unit => Platform.Unit;

    public GuestMemory Memory => Platform.Memory;

    public ScalableTables Tables { get; }

    public InvalidationQueueDriver Queue { get; }

    public PciEndpoint Endpoint { get; }

    public int QueueBytes { get; }

    public ulong Head => Unit.Read((ulong)VtdRegister.PQH, 8);

    public ulong Tail => Unit.Read((ulong)VtdRegister.PQT, 8);

    public PageRequestStatus Status => (PageRequestStatus)Unit.Read((ulong)VtdRegister.PRS, 4);

    public EventControl Control => (EventControl)Unit.Read((ulong)VtdRegister.PECTL, 4);

    public (ulong Qw0, ulong Qw1, ulong Qw2, ulong Qw3) Descriptor(ulong offset)
    {
        ulong at = QueueBase + offset;
        Assert.True(Memory.TryRead64(at, out ulong qw0));
        Assert.True(Memory.TryRead64(at + 8, out ulong qw1));
        Assert.True(Memory.TryRead64(at + 16, out ulong qw2));
        Assert.True(Memory.TryRead64(at + 24, out ulong qw3));
        return (qw0, qw1, qw2, qw3);
    }

    /// <summary>page_grp_resp_dsc: PP 4, Response Code 15:12, RID 31:16, PASID 51:32; QW1 PRGI 11:3.</summary>
    public static (ulong Qw0, ulong Qw1) GroupResponse(ushort rid, ushort prgIndex, int code, uint? pasid = null) =>
        (0x9UL | (pasid.HasValue ? 0x10UL : 0) | ((ulong)code << 12) | ((ulong)rid << 16) | ((ulong)pasid.GetValueOrDefault() << 32),
         (ulong)prgIndex << 3);
}
