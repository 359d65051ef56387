using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Devices;

/// <summary>
/// The page request queue of a unit with ECAP.PRS (VT-d spec §7.4–§7.5, §11.4.11): owns PQH, PQT, PQA,
/// PRS_REG and the page request event (PECTL/PEDATA/PEADDR/PEUADDR). Writes one 256-bit page request
/// descriptor per accepted request at PQT, answers dropped and rejected requests itself, and delivers
/// software's page group responses (page_grp_resp_dsc, type 9 on the invalidation queue) to the device.
/// Readings and choices: spec-notes/page-requests.md. Not thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class PageRequestQueue
{
    /// <summary>Bytes per page request descriptor (256 bits, §7.4.1.1).</summary>
    public const int DescriptorBytes = 32;

    private const int QueuePageBytes = (int)PageGeometry.PageSize;
    private const int PageRequestType = 1;

    // page_grp_resp_dsc reserved bits: QW0 8:6 and 63:52 (bit 5 is the rev 3 PDP, accepted), QW1 2:0 and 63:12.
    private const ulong ResponseQw0Reserved = 0xFFF0_0000_0000_01C0;
    private const ulong ResponseQw1Reserved = 0xFFFF_FFFF_FFFF_F007;

    private readonly RegisterFile _registers;
    private readonly GuestMemory _memory;
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly EventInterrupt _event;
    private readonly bool _supported;
    private readonly Dictionary<ushort, Action<PageGroupResponse>> _devices = [];

    public PageRequestQueue(
        RegisterFile registers, RegisterDispatch dispatch, UnitConfiguration configuration, GuestMemory memory,
        GlobalCommandEngine commands, FaultRecorder faults, InvalidationQueue queue, IInterruptSink? sink)
    {
        _registers = registers;
        _memory = memory;
        _commands = commands;
        _faults = faults;
        _supported = configuration.ExtendedCapability.PRS;
        _event = new EventInterrupt(registers, sink, configuration.ExtendedCapability.EIM,
            VtdRegister.PECTL, VtdRegister.PEDATA, VtdRegister.PEADDR, VtdRegister.PEUADDR);
        if (!_supported)
        {
            // Without PRS the registers are RsvdZ and type 9 stays an invalid descriptor type.
            return;
        }

        _event.Attach(dispatch);
        dispatch.On(VtdRegister.PRS, OnStatusWritten);
        queue.Handle(InvalidationDescriptorType.PageGroupResponse, Respond, ValidateResponse);
    }

    /// <summary>Connects the device with <paramref name="sourceId"/>: page group responses addressed to it reach <paramref name="deliver"/>.</summary>
    public void Attach(ushort sourceId, Action<PageGroupResponse> deliver) => _devices[sourceId] = deliver;

    /// <summary>Handles one page request (§7.5.1): queue it, or drop or reject it and answer for software.</summary>
    public PageRequestOutcome Submit(in PageRequest request)
    {
        if (!_supported)
        {
            return PageRequestOutcome.Unsupported;
        }

        if (!PageRequestsEnabled(request, out FaultReason fault, out bool fpd))
        {
            if (!fpd)
            {
                _faults.Record(new FaultRecord(request.SourceId, request.Address & PageGeometry.PageMask, fault, FaultRequestType.PageRequest,
                    request.Pasid.HasValue, request.Pasid.GetValueOrDefault(), Execute: request.Execute, Privileged: request.Privileged));
            }

            AnswerForSoftware(request, PageResponseCode.InvalidRequest);
            return PageRequestOutcome.Rejected;
        }

        uint status = _registers.Get32((int)VtdRegister.PRS);
        if ((status & (uint)PageRequestStatus.PRO) != 0)
        {
            // Overflow not yet serviced: dropped without a new event (§7.5.1).
            AnswerForSoftware(request, PageResponseCode.Success);
            return PageRequestOutcome.Overflowed;
        }

        ulong size = QueueBytes;
        ulong tail = _registers.Get64((int)VtdRegister.PQT) & (size - 1) & ~(ulong)(DescriptorBytes - 1);
        ulong head = _registers.Get64((int)VtdRegister.PQH) & (size - 1) & ~(ulong)(DescriptorBytes - 1);
        ulong next = (tail + DescriptorBytes) & (size - 1);
        if (next == head)
        {
            SetStatus(status, PageRequestStatus.PRO);
            AnswerForSoftware(request, PageResponseCode.Success);
            return PageRequestOutcome.Overflowed;
        }

        ulong slot = (_registers.Get64((int)VtdRegister.PQA) & ~0xFFFUL) + tail;
        if (!WriteDescriptor(slot, request))
        {
            AnswerForSoftware(request, PageResponseCode.ResponseFailure);
            return PageRequestOutcome.Dropped;
        }

        _registers.Set64((int)VtdRegister.PQT, next);
        SetStatus(status, PageRequestStatus.PPR);
        return PageRequestOutcome.Queued;
    }

    /// <summary>Queue size in bytes: 2^PQS 4 KiB pages (PQA 2:0), 128 descriptors per page.</summary>
    private ulong QueueBytes => (ulong)QueuePageBytes << (int)(_registers.Get64((int)VtdRegister.PQA) & 0x7);

    // Page requests are defined only in scalable mode (fault 0x32 otherwise) and need PRE in the
    // requester's scalable-mode context entry (fault 0x47, qualified by the entry's FPD).
    private bool PageRequestsEnabled(in PageRequest request, out FaultReason fault, out bool fpd)
    {
        fpd = false;
        if (_commands.RootTableMode != TranslationTableMode.Scalable)
        {
            fault = FaultReason.PageRequestInLegacyMode;
            return false;
        }

        fault = FaultReason.PageRequestDisabled;
        if (!TryReadContext(request.SourceId, out ScalableContextEntry context))
        {
            return false;
        }

        fpd = context.FPD;
        return context.PRE;
    }

    private bool TryReadContext(ushort sourceId, out ScalableContextEntry context)
    {
        context = default;
        Span<byte> root = stackalloc byte[ScalableRootEntry.Size];
        if (!_memory.TryRead(_commands.RootTableAddress + ((ulong)(sourceId >> 8) * ScalableRootEntry.Size), root))
        {
            return false;
        }

        ScalableRootEntry rootEntry = ScalableRootEntry.ReadFrom(root);
        bool upper = (sourceId & 0x80) != 0;
        if (!(upper ? rootEntry.UP : rootEntry.LP))
        {
            return false;
        }

        ulong table = upper ? rootEntry.UCTP : rootEntry.LCTP;
        Span<byte> entry = stackalloc byte[ScalableContextEntry.Size];
        if (!_memory.TryRead(table + ((ulong)(sourceId & 0x7F) * ScalableContextEntry.Size), entry))
        {
            return false;
        }

        context = ScalableContextEntry.ReadFrom(entry);
        return context.Present;
    }

    // page_req_dsc (§7.4.1.1): QW0 type 7:0, PP 8, RID 31:16, PASID 51:32, EXE 52, PM 53;
    // QW1 RDR 0, WRR 1, LPIG 2, PRGI 11:3, ADDR 63:12; QW2/QW3 (private data) zero.
    private bool WriteDescriptor(ulong slot, in PageRequest request)
    {
        bool pasid = request.Pasid.HasValue;
        ulong qw0 = PageRequestType
            | (pasid ? 1UL << 8 : 0)
            | ((ulong)request.SourceId << 16)
            | (pasid ? (ulong)(request.Pasid!.Value & 0xF_FFFF) << 32 : 0)
            | (pasid && request.Execute ? 1UL << 52 : 0)
            | (pasid && request.Privileged ? 1UL << 53 : 0);
        ulong qw1 = (request.Read ? 1UL : 0)
            | (request.Write ? 1UL << 1 : 0)
            | (request.LastInGroup ? 1UL << 2 : 0)
            | ((ulong)(request.GroupIndex & 0x1FF) << 3)
            | (request.Address & PageGeometry.PageMask);
        return _memory.TryWrite64(slot, qw0) && _memory.TryWrite64(slot + 8, qw1)
            && _memory.TryWrite64(slot + 16, 0) && _memory.TryWrite64(slot + 24, 0);
    }

    // PPR or PRO 0→1; the event fires only when neither was set before (§7.5.2).
    private void SetStatus(uint before, PageRequestStatus bit)
    {
        _registers.Set32((int)VtdRegister.PRS, before | (uint)bit);
        if ((before & (uint)(PageRequestStatus.PPR | PageRequestStatus.PRO)) == 0)
        {
            _event.Signal();
        }
    }

    // After software cleared PRS bits (RW1C): with PPR and PRO both clear the event is serviced and PECTL.IP clears.
    private void OnStatusWritten()
    {
        if ((_registers.Get32((int)VtdRegister.PRS) & (uint)(PageRequestStatus.PPR | PageRequestStatus.PRO)) == 0)
        {
            _event.ClearPending();
        }
    }

    // A request software never sees is answered by the unit when it closes its group (LPIG); others get no response.
    private void AnswerForSoftware(in PageRequest request, PageResponseCode code)
    {
        if (request.LastInGroup)
        {
            Deliver(new PageGroupResponse(request.SourceId, (ushort)(request.GroupIndex & 0x1FF), code, request.Pasid, FromUnit: true));
        }
    }

    private void Deliver(in PageGroupResponse response)
    {
        if (_devices.TryGetValue(response.SourceId, out Action<PageGroupResponse>? deliver))
        {
            deliver(response);
        }
    }

    // page_grp_resp_dsc (VT-d spec ch. 7): QW0 PP 4, Response Code 15:12, RID 31:16, PASID 51:32; QW1 PRGI 11:3.
    private bool Respond(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        ulong qw0 = descriptor.Qw0;
        uint? pasid = Bits.IsSet(qw0, 4) ? (uint)Bits.Get(qw0, 51, 32) : null;
        Deliver(new PageGroupResponse(
            (ushort)Bits.Get(qw0, 31, 16), (ushort)Bits.Get(descriptor.Qw1, 11, 3), (PageResponseCode)Bits.Get(qw0, 15, 12), pasid));
        return false;
    }

    // Scalable mode only (like the other PASID-era types); reserved bits and reserved response codes are IQEI 4.
    private static InvalidationQueueError ValidateResponse(in InvalidationDescriptor descriptor, in DescriptorContext context)
    {
        if (!context.Scalable)
        {
            return InvalidationQueueError.InvalidType;
        }

        var code = (PageResponseCode)Bits.Get(descriptor.Qw0, 15, 12);
        bool knownCode = code is PageResponseCode.Success or PageResponseCode.InvalidRequest or PageResponseCode.ResponseFailure;
        return (descriptor.Qw0 & ResponseQw0Reserved) != 0 || (descriptor.Qw1 & ResponseQw1Reserved) != 0 || !knownCode
            ? InvalidationQueueError.ReservedField
            : InvalidationQueueError.None;
    }
}
