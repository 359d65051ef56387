using VtdEmu.Internal;
using VtdEmu.Invalidation;
using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>
/// Register-based invalidation (CCMD_REG, IVA_REG / IOTLB_REG; VT-d spec §6.5.1, §11.4.7–11.4.8),
/// queued invalidation (IQA / IQH / IQT and the descriptors of §6.5.2) and the implicit
/// invalidations of SRTP / SIRTP with CAP.ESRTPS / ESIRTPS. Everything runs synchronously inside the
/// register write that triggers it (the hooks run under the state lock). Choices:
/// spec-notes/invalidation.md.
/// </summary>
public sealed partial class RemappingUnit
{
    private const ulong CommandPending = 1UL << 63; // CCMD.ICC, IOTLB_REG.IVT
    private const int QueuePageBytes = 4096;

    private readonly Dictionary<ushort, DeviceTlbBehaviour> _deviceTlbBehaviours = [];
    private InvalidationEngine? _invalidation;

    /// <summary>A consistent snapshot of the invalidation counters (by interface, request and performed granularity).</summary>
    public InvalidationStatistics InvalidationStatistics
    {
        get
        {
            lock (_stateLock)
            {
                return InvalidationEngine.Snapshot();
            }
        }
    }

    // Created on first use: the caches it works on are built by the constructor. Used only under _stateLock.
    private InvalidationEngine InvalidationEngine => _invalidation ??= new InvalidationEngine(Caches);

    /// <summary>
    /// Device model for device-TLB invalidations (descriptor types 3 and 8): how the device with
    /// <paramref name="sourceId"/> answers an ATS invalidate request. Every device completes by default.
    /// </summary>
    public void SetDeviceTlbBehaviour(ushort sourceId, DeviceTlbBehaviour behaviour)
    {
        lock (_stateLock)
        {
            _deviceTlbBehaviours[sourceId] = behaviour;
        }
    }

    // Register-based invalidation is refused while QI is enabled, outside legacy mode and from VER 6.0 on (invalidation.md §1).
    private bool RegisterInvalidationAvailable =>
        !QueuedInvalidationEnabled && (Configuration.Version >> 4) < 6 && RootTableMode == TranslationTableMode.Legacy;

    partial void OnContextCommandWritten()
    {
        ulong ccmd = GetRegister64(VtdRegister.CCMD);
        ushort did = (ushort)Bits.Get(ccmd, 15, 0);
        int performed = 0;
        if (RegisterInvalidationAvailable)
        {
            FlushWriteBuffersImplicitly();
            performed = (int)Bits.Get(ccmd, 62, 61); // CIRG; each valid request is performed as asked
            switch (performed)
            {
                case 1:
                    InvalidationEngine.ContextGlobal(InvalidationSource.Register);
                    break;
                case 2:
                    InvalidationEngine.ContextDomain(InvalidationSource.Register, did);
                    break;
                case 3:
                    InvalidationEngine.ContextDevice(InvalidationSource.Register, (ushort)Bits.Get(ccmd, 31, 16), (int)Bits.Get(ccmd, 33, 32), did);
                    break;
                default:
                    break;
            }
        }

        CompleteRegisterCommand(VtdRegister.CCMD, ccmd, 60, performed);
    }

    partial void OnIotlbCommandWritten()
    {
        int at = ExtendedCapability.IotlbRegisterOffset;
        ulong command = GetRegister64(at + 8);
        ulong iva = GetRegister64(at);
        int performed = 0;
        if (RegisterInvalidationAvailable)
        {
            // DR / DW (49 / 48): every DMA translated before this write has already completed, so the
            // drain is satisfied by the synchronous model (spec-notes/invalidation.md §2).
            FlushWriteBuffersImplicitly();
            performed = PerformIotlbInvalidation(
                InvalidationSource.Register,
                (int)Bits.Get(command, 61, 60),
                (ushort)Bits.Get(command, 47, 32),
                iva & Bits.Range(63, 12),
                (int)Bits.Get(iva, 5, 0),
                Bits.IsSet(iva, 6));
        }

        CompleteRegisterCommand((VtdRegister)(at + 8), command, 58, performed);
    }

    partial void OnInvalidationQueueTailWritten() => ProcessInvalidationQueue();

    partial void OnQueuedInvalidationEnabled() => ProcessInvalidationQueue();

    // Software cleared IQE or ITE (RW1C): fetching resumes at IQH (spec-notes/invalidation.md §5).
    partial void OnFaultStatusWritten() => ProcessInvalidationQueue();

    partial void OnRootTablePointerLatched()
    {
        InvalidationEngine.ContextGlobal(InvalidationSource.TablePointer);
        InvalidationEngine.PasidCacheGlobal(InvalidationSource.TablePointer);
        InvalidationEngine.IotlbGlobal(InvalidationSource.TablePointer);
    }

    partial void OnInterruptRemapTablePointerLatched()
    {
        InterruptEntryCache.InvalidateAll();
        InvalidationEngine.Counted(InvalidationSource.TablePointer, InvalidationRequest.InterruptEntryGlobal);
    }

    // Clears ICC / IVT and reports the performed granularity (CAIG 60:59 / IAIG 58:57; 0 = not performed).
    private void CompleteRegisterCommand(VtdRegister register, ulong value, int granularityMsb, int performed)
    {
        if (performed == 0)
        {
            InvalidationEngine.Totals.RegisterRequestsNotPerformed++;
        }

        SetRegister64(register, Bits.With(value & ~CommandPending, granularityMsb, granularityMsb - 1, (ulong)performed));
    }

    // CAP.RWBF: an invalidation flushes write buffers first. Guest memory is coherent, so only counted.
    private void FlushWriteBuffersImplicitly()
    {
        if (Capability.RWBF)
        {
            InvalidationEngine.Totals.WriteBufferFlushes++;
        }
    }

    /// <summary>
    /// IOTLB invalidation shared by IOTLB_REG and iotlb_inv_dsc. Returns the granularity performed:
    /// page-selective is coarsened to domain-selective without CAP.PSI, and not performed (0) when
    /// AM &gt; CAP.MAMV or the granularity is 00.
    /// </summary>
    private int PerformIotlbInvalidation(InvalidationSource source, int granularity, ushort did, ulong address, int am, bool invalidationHint)
    {
        switch (granularity)
        {
            case 1:
                InvalidationEngine.IotlbGlobal(source);
                return 1;
            case 2:
                InvalidationEngine.IotlbDomain(source, did);
                return 2;
            case 3 when !Capability.PSI:
                InvalidationEngine.IotlbDomain(source, did);
                InvalidationEngine.Totals.Coarsened++;
                return 2;
            case 3 when am <= Capability.MAMV:
                InvalidationEngine.IotlbPages(source, did, address, am, invalidationHint);
                return 3;
            default:
                return 0;
        }
    }

    // Fetches and executes descriptors from IQH toward IQT (§6.5.2). Stops at the tail, at an invalid
    // descriptor (IQE, IQH left on it) or after an inv_wait with FN aborted by a device-TLB time-out.
    private void ProcessInvalidationQueue()
    {
        if (!QueuedInvalidationEnabled || (FaultStatusBits & (FaultStatus.IQE | FaultStatus.ITE)) != 0)
        {
            return;
        }

        ulong iqa = GetRegister64(VtdRegister.IQA);
        ulong queueBase = iqa & Bits.Range(63, 12);
        int queueBytes = QueuePageBytes << (int)Bits.Get(iqa, 2, 0);
        bool wide = Bits.IsSet(iqa, 11);
        int descriptorBytes = wide ? 32 : 16;
        int tail = (int)Bits.Get(GetRegister64(VtdRegister.IQT), 18, 0);
        int head = (int)Bits.Get(GetRegister64(VtdRegister.IQH), 18, 0);

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
            ReportQueueError(error);
            return;
        }

        if (head == tail)
        {
            return;
        }

        FlushWriteBuffersImplicitly();
        DescriptorContext context = new(
            wide,
            Scalable: RootTableMode != TranslationTableMode.Legacy,
            ExtendedCapability.DT,
            ExtendedCapability.IR,
            ExtendedCapability.PDS,
            Capability.PSI,
            Capability.MAMV,
            ExtendedCapability.MHMV);
        var timeout = new DeviceTlbTimeout();

        // At most one lap: IQH can only miss IQT forever if software changed IQA.DW while enabled
        // (IQH then sits on a 16-byte boundary of a 32-byte ring).
        int slots = queueBytes / descriptorBytes;
        while (head != tail && slots-- > 0)
        {
            if (!TryFetchDescriptor(queueBase + (ulong)head, wide, out InvalidationDescriptor descriptor))
            {
                error = InvalidationQueueError.FetchError;
                break;
            }

            error = descriptor.Validate(context);
            if (error != InvalidationQueueError.None)
            {
                break;
            }

            bool stop = Execute(descriptor, ref timeout);
            head = (head + descriptorBytes) % queueBytes;
            SetRegister64(VtdRegister.IQH, (ulong)head);
            InvalidationEngine.Totals.DescriptorsProcessed++;
            if (stop)
            {
                break;
            }
        }

        if (timeout.Pending)
        {
            ReportInvalidationTimeout(timeout.SourceId);
        }

        if (error != InvalidationQueueError.None)
        {
            ReportQueueError(error);
        }
    }

    // Checks that apply to the queue as a whole before a descriptor is fetched: latched TTM, then IQA.DW.
    private InvalidationQueueError CheckQueueMode(bool wide)
    {
        ExtendedCapabilityRegister ecap = ExtendedCapability;
        TranslationTableMode mode = RootTableMode;
        bool modeSupported = mode switch
        {
            TranslationTableMode.Legacy => true,
            TranslationTableMode.Scalable => ecap.SMTS,
            TranslationTableMode.AbortDma => ecap.ADMS,
            _ => false,
        };
        if (!modeSupported)
        {
            return InvalidationQueueError.InvalidTranslationTableMode;
        }

        if (wide ? !(ecap.SMTS || ecap.ADMS) : mode != TranslationTableMode.Legacy)
        {
            return InvalidationQueueError.InvalidWidth;
        }

        return InvalidationQueueError.None;
    }

    private bool TryFetchDescriptor(ulong address, bool wide, out InvalidationDescriptor descriptor)
    {
        descriptor = default;
        ulong qw2 = 0;
        ulong qw3 = 0;
        if (!Memory.TryRead64(address, out ulong qw0) || !Memory.TryRead64(address + 8, out ulong qw1))
        {
            return false;
        }

        if (wide && (!Memory.TryRead64(address + 16, out qw2) || !Memory.TryRead64(address + 24, out qw3)))
        {
            return false;
        }

        descriptor = new InvalidationDescriptor(qw0, qw1, qw2, qw3);
        return true;
    }

    // Executes one validated descriptor; true when fetching must stop after it (fenced wait aborted by a time-out).
    private bool Execute(in InvalidationDescriptor descriptor, ref DeviceTlbTimeout timeout)
    {
        const InvalidationSource Queue = InvalidationSource.Queue;
        ulong qw0 = descriptor.Qw0;
        switch ((InvalidationDescriptorType)descriptor.Type)
        {
            case InvalidationDescriptorType.ContextCache:
                switch (descriptor.Granularity)
                {
                    case 1:
                        InvalidationEngine.ContextGlobal(Queue);
                        break;
                    case 2:
                        InvalidationEngine.ContextDomain(Queue, descriptor.DID);
                        break;
                    default:
                        InvalidationEngine.ContextDevice(Queue, (ushort)Bits.Get(qw0, 47, 32), (int)Bits.Get(qw0, 49, 48), descriptor.DID);
                        break;
                }

                return false;
            case InvalidationDescriptorType.Iotlb:
                // DR / DW (7 / 6) are satisfied by the synchronous model, as for IOTLB_REG.
                PerformIotlbInvalidation(Queue, descriptor.Granularity, descriptor.DID, descriptor.Address, descriptor.AM, descriptor.InvalidationHint);
                return false;
            case InvalidationDescriptorType.DeviceTlb:
                InvalidateDeviceTlb((ushort)Bits.Get(qw0, 47, 32), InvalidationRequest.DeviceTlb, ref timeout, descriptor);
                return false;
            case InvalidationDescriptorType.InterruptEntryCache:
                InvalidateInterruptEntries(qw0);
                return false;
            case InvalidationDescriptorType.InvalidationWait:
                return CompleteWait(descriptor, timeout.Pending);
            case InvalidationDescriptorType.PasidIotlb:
                if (descriptor.Granularity == 2)
                {
                    InvalidationEngine.PasidIotlb(Queue, descriptor.DID, descriptor.PASID);
                }
                else
                {
                    InvalidationEngine.PasidIotlbPages(Queue, descriptor.DID, descriptor.PASID, descriptor.Address, descriptor.AM, descriptor.InvalidationHint);
                }

                return false;
            case InvalidationDescriptorType.PasidCache:
                switch (descriptor.Granularity)
                {
                    case 0:
                        InvalidationEngine.PasidCacheDomain(Queue, descriptor.DID);
                        break;
                    case 1:
                        InvalidationEngine.PasidCachePasid(Queue, descriptor.DID, descriptor.PASID);
                        break;
                    default:
                        InvalidationEngine.PasidCacheGlobal(Queue);
                        break;
                }

                return false;
            default:
                InvalidateDeviceTlb((ushort)Bits.Get(qw0, 31, 16), InvalidationRequest.PasidDeviceTlb, ref timeout, descriptor);
                return false;
        }
    }

    // Sends the ATS invalidate request and applies the device's answer (ITE is reported when fetching stops).
    private void InvalidateDeviceTlb(ushort sourceId, InvalidationRequest request, ref DeviceTlbTimeout timeout, in InvalidationDescriptor descriptor)
    {
        InvalidationEngine.Counted(InvalidationSource.Queue, request);
        DeliverAtsInvalidation(sourceId, descriptor);
        switch (_deviceTlbBehaviours.GetValueOrDefault(sourceId))
        {
            case DeviceTlbBehaviour.TimesOut:
                InvalidationEngine.Totals.Timeouts++;
                if (!timeout.Pending)
                {
                    timeout = new DeviceTlbTimeout(true, sourceId);
                }

                break;
            case DeviceTlbBehaviour.BadCompletion:
                InvalidationEngine.Totals.CompletionErrors++;
                ReportInvalidationCompletionError(sourceId);
                break;
            default:
                break;
        }
    }

    // inv_wait (§6.5.2.6 / spec-facts §6): everything before it is complete (synchronous model), so it
    // completes now — status write first, then IWC — unless an earlier device-TLB invalidation timed out.
    private bool CompleteWait(in InvalidationDescriptor descriptor, bool aborted)
    {
        ulong qw0 = descriptor.Qw0;
        if (aborted)
        {
            InvalidationEngine.Totals.WaitsAborted++;
            return Bits.IsSet(qw0, 6); // FN: nothing after a fenced wait is fetched until it completes
        }

        if (Bits.IsSet(qw0, 5))
        {
            // SW: a status write outside RAM is dropped, as an unclaimed bus write is.
            _ = Memory.TryWrite32(descriptor.Qw1 & Bits.Range(63, 2), (uint)(qw0 >> 32));
        }

        if (Bits.IsSet(qw0, 4))
        {
            SignalInvalidationWaitCompletion();
        }

        InvalidationEngine.Totals.WaitsCompleted++;
        return false;
    }

    private void ReportQueueError(InvalidationQueueError error)
    {
        InvalidationEngine.Totals.QueueErrors++;
        ReportInvalidationQueueError((byte)error);
    }

    // A device-TLB time-out seen while fetching: waits after it are aborted; ITE is raised when fetching stops.
    private readonly record struct DeviceTlbTimeout(bool Pending, ushort SourceId);
}
