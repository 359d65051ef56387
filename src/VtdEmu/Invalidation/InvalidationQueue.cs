using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Invalidation;

/// <summary>
/// Queued invalidation (VT-d spec §6.5.2): owns IQA, IQH, IQT, ICS and the invalidation completion
/// event registers (IECTL/IEDATA/IEADDR/IEUADDR). A tail move, QIES 0→1 or software clearing IQE/ITE
/// fetches descriptors from IQH toward IQT and executes each through the handler registered for its
/// type (<see cref="Handle"/>); the queue itself handles the cache descriptors of the
/// <see cref="InvalidationEngine"/> and inv_wait. Errors go to the <see cref="FaultRecorder"/>
/// (FSTS.IQE/ITE, IQERCD). Choices: spec-notes/invalidation.md. Not thread-safe: the unit calls it
/// under its state lock.
/// </summary>
internal sealed class InvalidationQueue
{
    private const int QueuePageBytes = (int)PageGeometry.PageSize;
    private const int TypeCount = 1 << 7; // type[6:0]: bits 11:9 and 3:0

    private readonly RegisterFile _registers;
    private readonly GuestMemory _memory;
    private readonly CapabilityRegister _cap;
    private readonly ExtendedCapabilityRegister _ecap;
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly InvalidationEngine _engine;
    private readonly EventInterrupt _event;
    private readonly DescriptorHandler?[] _handlers = new DescriptorHandler?[TypeCount];
    private readonly DescriptorValidator?[] _validators = new DescriptorValidator?[TypeCount];

    public InvalidationQueue(
        RegisterFile registers, RegisterDispatch dispatch, UnitConfiguration configuration, GuestMemory memory,
        GlobalCommandEngine commands, FaultRecorder faults, InvalidationEngine engine, IInterruptSink? sink)
    {
        _registers = registers;
        _memory = memory;
        _cap = configuration.Capability;
        _ecap = configuration.ExtendedCapability;
        _commands = commands;
        _faults = faults;
        _engine = engine;
        _event = new EventInterrupt(registers, sink, _ecap.EIM, VtdRegister.IECTL, VtdRegister.IEDATA, VtdRegister.IEADDR, VtdRegister.IEUADDR);
        _event.Attach(dispatch);
        dispatch.On(VtdRegister.IQT, Process);
        dispatch.On(VtdRegister.ICS, OnCompletionStatusWritten);
        commands.Completed += OnGlobalCommand;
        faults.StatusWritten += Process; // software cleared IQE or ITE (RW1C): fetching resumes at IQH (invalidation.md §5)

        Handle(InvalidationDescriptorType.ContextCache, InvalidateContextCache);
        Handle(InvalidationDescriptorType.Iotlb, InvalidateIotlb);
        Handle(InvalidationDescriptorType.InvalidationWait, Wait);
        Handle(InvalidationDescriptorType.PasidIotlb, InvalidatePasidIotlb);
        Handle(InvalidationDescriptorType.PasidCache, InvalidatePasidCache);

        // The interrupt entry cache is not modelled: counted until an interrupt-remapping component takes the type.
        Handle(InvalidationDescriptorType.InterruptEntryCache, CountInterruptEntryCache);
    }

    /// <summary>Sees every processed descriptor; null (the default) costs one check per descriptor.</summary>
    public IInvalidationObserver? Observer { get; set; }

    /// <summary>
    /// Makes <paramref name="handler"/> execute descriptors of <paramref name="type"/>, replacing any
    /// earlier handler. <paramref name="validator"/> checks them first; null means the built-in rules
    /// of <see cref="InvalidationDescriptor.Validate"/> (which know the types of §6.5.2.1–§6.5.2.8).
    /// A type without a handler is an invalid type (IQEI 1).
    /// </summary>
    public void Handle(InvalidationDescriptorType type, DescriptorHandler handler, DescriptorValidator? validator = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)type, (uint)TypeCount, nameof(type));
        _handlers[(int)type] = handler;
        _validators[(int)type] = validator;
    }

    /// <summary>An inv_wait descriptor with IF = 1 completed: ICS.IWC 0→1 raises the invalidation completion event.</summary>
    public void SignalWaitCompletion()
    {
        uint ics = _registers.Get32((int)VtdRegister.ICS);
        if ((ics & 1) != 0)
        {
            return;
        }

        _registers.Set32((int)VtdRegister.ICS, ics | 1);
        _event.Signal();
    }

    private void OnGlobalCommand(GlobalCommandOutcome outcome)
    {
        if (outcome.Changed(GlobalStatus.QIES))
        {
            // IQH reads 0 whenever QIES is 0, and fetching starts from 0 on enable.
            _registers.Set64((int)VtdRegister.IQH, 0);
        }

        if (outcome.Enabled(GlobalStatus.QIES))
        {
            Process();
        }
    }

    // After a guest write to ICS: with IWC clear, the invalidation event is serviced and IECTL.IP clears.
    private void OnCompletionStatusWritten()
    {
        if ((_registers.Get32((int)VtdRegister.ICS) & 1) == 0)
        {
            _event.ClearPending();
        }
    }

    // Fetches and executes descriptors from IQH toward IQT (§6.5.2). Stops at the tail, at an invalid
    // descriptor (IQE, IQH left on it) or after an inv_wait with FN aborted by a device-TLB time-out.
    private void Process()
    {
        if ((_commands.Status & GlobalStatus.QIES) == 0 || (_faults.Status & (FaultStatus.IQE | FaultStatus.ITE)) != 0)
        {
            return;
        }

        ulong iqa = _registers.Get64((int)VtdRegister.IQA);
        ulong queueBase = iqa & Bits.Range(63, 12);
        int queueBytes = QueuePageBytes << (int)Bits.Get(iqa, 2, 0);
        bool wide = Bits.IsSet(iqa, 11);
        int descriptorBytes = wide ? 32 : 16;
        int tail = (int)Bits.Get(_registers.Get64((int)VtdRegister.IQT), 18, 0);
        int head = (int)Bits.Get(_registers.Get64((int)VtdRegister.IQH), 18, 0);

        InvalidationQueueError error = InvalidationQueueError.None;
        if (tail >= queueBytes)
        {
            error = InvalidationQueueError.InvalidTail;
        }
        else if (wide && (tail & 0x10) != 0)
        {
            error = InvalidationQueueError.TailMisaligned;
        }
        else if (head != tail)
        {
            error = CheckQueueMode(wide);
        }

        if (error != InvalidationQueueError.None)
        {
            ReportError(error);
            return;
        }

        if (head == tail)
        {
            return;
        }

        _engine.FlushWriteBuffersImplicitly();
        DescriptorContext context = new(
            wide,
            Scalable: _commands.RootTableMode != TranslationTableMode.Legacy,
            _ecap.DT,
            _ecap.IR,
            _ecap.PDS,
            _cap.PSI,
            _cap.MAMV,
            _ecap.MHMV);
        var fetch = new QueueFetch();

        // At most one lap: IQH can only miss IQT forever if software changed IQA.DW while enabled
        // (IQH then sits on a 16-byte boundary of a 32-byte ring).
        int slots = queueBytes / descriptorBytes;
        while (head != tail && slots-- > 0)
        {
            if (!TryFetch(queueBase + (ulong)head, wide, out InvalidationDescriptor descriptor))
            {
                error = InvalidationQueueError.FetchError;
                break;
            }

            error = Validate(descriptor, context, out DescriptorHandler? handler);
            if (error != InvalidationQueueError.None)
            {
                break;
            }

            bool stop = handler!(descriptor, ref fetch);
            Observer?.OnDescriptor(head, descriptor);
            head = (head + descriptorBytes) % queueBytes;
            _registers.Set64((int)VtdRegister.IQH, (ulong)head);
            _engine.Totals.DescriptorsProcessed++;
            if (stop)
            {
                break;
            }
        }

        if (fetch.TimedOut)
        {
            _faults.ReportInvalidationTimeout(fetch.TimeoutSourceId);
        }

        if (error != InvalidationQueueError.None)
        {
            ReportError(error);
        }
    }

    private InvalidationQueueError Validate(in InvalidationDescriptor descriptor, in DescriptorContext context, out DescriptorHandler? handler)
    {
        int type = descriptor.Type;
        handler = _handlers[type];
        InvalidationQueueError error = _validators[type] is { } validator ? validator(descriptor, context) : descriptor.Validate(context);
        return error == InvalidationQueueError.None && handler is null ? InvalidationQueueError.InvalidType : error;
    }

    // Checks that apply to the queue as a whole before a descriptor is fetched: latched TTM, then IQA.DW.
    private InvalidationQueueError CheckQueueMode(bool wide)
    {
        TranslationTableMode mode = _commands.RootTableMode;
        bool modeSupported = mode switch
        {
            TranslationTableMode.Legacy => true,
            TranslationTableMode.Scalable => _ecap.SMTS,
            TranslationTableMode.AbortDma => _ecap.ADMS,
            _ => false,
        };
        if (!modeSupported)
        {
            return InvalidationQueueError.InvalidTranslationTableMode;
        }

        if (wide ? !(_ecap.SMTS || _ecap.ADMS) : mode != TranslationTableMode.Legacy)
        {
            return InvalidationQueueError.InvalidWidth;
        }

        return InvalidationQueueError.None;
    }

    private bool TryFetch(ulong address, bool wide, out InvalidationDescriptor descriptor)
    {
        descriptor = default;
        ulong qw2 = 0;
        ulong qw3 = 0;
        if (!_memory.TryRead64(address, out ulong qw0) || !_memory.TryRead64(address + 8, out ulong qw1))
        {
            return false;
        }

        if (wide && (!_memory.TryRead64(address + 16, out qw2) || !_memory.TryRead64(address + 24, out qw3)))
        {
            return false;
        }

        descriptor = new InvalidationDescriptor(qw0, qw1, qw2, qw3);
        return true;
    }

    private void ReportError(InvalidationQueueError error)
    {
        _engine.Totals.QueueErrors++;
        _faults.ReportInvalidationQueueError((byte)error);
    }

    private bool InvalidateContextCache(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        switch ((InvalidationGranularity)descriptor.Granularity)
        {
            case InvalidationGranularity.Global:
                _engine.ContextGlobal(InvalidationSource.Queue);
                break;
            case InvalidationGranularity.DomainSelective:
                _engine.ContextDomain(InvalidationSource.Queue, descriptor.DID);
                break;
            default:
                _engine.ContextDevice(InvalidationSource.Queue, (ushort)Bits.Get(descriptor.Qw0, 47, 32), (int)Bits.Get(descriptor.Qw0, 49, 48), descriptor.DID);
                break;
        }

        return false;
    }

    // DR / DW (7 / 6) are satisfied by the synchronous model, as for IOTLB_REG.
    private bool InvalidateIotlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        _engine.Iotlb(InvalidationSource.Queue, (InvalidationGranularity)descriptor.Granularity, descriptor.DID, descriptor.Address, descriptor.AM, descriptor.InvalidationHint);
        return false;
    }

    private bool InvalidatePasidIotlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        if (descriptor.Granularity == 2)
        {
            _engine.PasidIotlb(InvalidationSource.Queue, descriptor.DID, descriptor.PASID);
        }
        else
        {
            _engine.PasidIotlbPages(InvalidationSource.Queue, descriptor.DID, descriptor.PASID, descriptor.Address, descriptor.AM, descriptor.InvalidationHint);
        }

        return false;
    }

    private bool InvalidatePasidCache(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        switch (descriptor.Granularity)
        {
            case 0:
                _engine.PasidCacheDomain(InvalidationSource.Queue, descriptor.DID);
                break;
            case 1:
                _engine.PasidCachePasid(InvalidationSource.Queue, descriptor.DID, descriptor.PASID);
                break;
            default:
                _engine.PasidCacheGlobal(InvalidationSource.Queue);
                break;
        }

        return false;
    }

    private bool CountInterruptEntryCache(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        _engine.Counted(
            InvalidationSource.Queue,
            Bits.IsSet(descriptor.Qw0, 4) ? InvalidationRequest.InterruptEntryIndex : InvalidationRequest.InterruptEntryGlobal);
        return false;
    }

    // inv_wait (§6.5.2.6, spec-notes/invalidation.md): everything before it is complete (synchronous
    // model), so it completes now — status write first, then IWC — unless an earlier device-TLB
    // invalidation of this pass timed out.
    private bool Wait(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        ulong qw0 = descriptor.Qw0;
        if (fetch.TimedOut)
        {
            _engine.Totals.WaitsAborted++;
            return Bits.IsSet(qw0, 6); // FN: nothing after a fenced wait is fetched until it completes
        }

        if (Bits.IsSet(qw0, 5))
        {
            // SW: a status write outside RAM is dropped, as an unclaimed bus write is.
            _ = _memory.TryWrite32(descriptor.Qw1 & Bits.Range(63, 2), (uint)(qw0 >> 32));
        }

        if (Bits.IsSet(qw0, 4))
        {
            SignalWaitCompletion();
        }

        _engine.Totals.WaitsCompleted++;
        return false;
    }
}
