using System.Runtime.CompilerServices;
using VtdEmu.Caches;
using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// One DMA-remapping hardware unit (one DRHD) as seen through its register block (VT-d spec chapter 11,
/// rev 4.x) and its DMA port. A thin facade over components with one job each
/// (spec-notes/architecture.md): the <see cref="RegisterFile"/> and its <see cref="RegisterDispatch"/>,
/// the <see cref="GlobalCommandEngine"/> (GCMD/GSTS), the <see cref="FaultRecorder"/> (FSTS/FRCD, fault
/// event), register-based and queued invalidation (<see cref="RegisterInvalidation"/>,
/// <see cref="InvalidationQueue"/>, <see cref="DeviceTlbInvalidator"/> over one
/// <see cref="InvalidationEngine"/>), the <see cref="DmaPath"/>, <see cref="InterruptRemapping"/>
/// (interrupt requests and the IEC), <see cref="TranslationRequests"/> (ATS) and the
/// <see cref="PageRequestQueue"/> (PRS). Side effects complete before a
/// write returns (synchronous model: GSTS shows a command's completion as soon as the GCMD write returns).
/// </summary>
/// <remarks>
/// Access rules (spec-notes/registers.md): naturally aligned 4- and 8-byte accesses inside the
/// block; an 8-byte access over two 32-bit registers acts on both in address order. Any other size,
/// a misaligned access or an offset outside the block is a guest error: a read returns all-ones, a
/// write is dropped, <see cref="GuestErrorCount"/> increments and the observer sees it. Offsets inside
/// the block with no register read 0 and ignore writes.
/// </remarks>
public sealed class RemappingUnit : IMmio
{
    private const string InvalidName = "invalid";

    private readonly RegisterFile _registers;
    private readonly RegisterDispatch _dispatch;

    // Serialises every change of register state: guest MMIO writes, resets and fault recording by
    // DMA threads. Register reads stay lock-free (aligned 32/64-bit loads of the value array).
    private readonly Lock _stateLock = new();
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly InvalidationEngine _invalidation;
    private readonly InvalidationQueue _queue;
    private readonly DeviceTlbInvalidator _deviceTlbs;
    private readonly DmaPath _dma;
    private readonly InterruptRemapping _interrupts;
    private readonly TranslationRequests _translationRequests;
    private readonly PageRequestQueue _pageRequests;
    private long _guestErrors;

    /// <summary>Creates a unit in its reset state.</summary>
    /// <param name="memory">Guest physical memory the unit's DMA-side code reads tables from.</param>
    /// <param name="configuration">VER/CAP/ECAP/HAW, usually one of <see cref="UnitConfiguration.Presets"/>.</param>
    /// <param name="interruptSink">Receives fault and invalidation-completion event MSIs; null drops them.</param>
    /// <param name="caches">Cache geometry and policies (default: <see cref="TranslationCacheOptions"/>'s); caching mode always follows CAP.CM.</param>
    public RemappingUnit(GuestMemory memory, UnitConfiguration configuration, IInterruptSink? interruptSink = null, TranslationCacheOptions? caches = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(configuration);
        Memory = memory;
        Configuration = configuration;
        Caches = new TranslationCaches((caches ?? new TranslationCacheOptions()) with { CachingMode = configuration.Capability.CM });
        _registers = new RegisterFile(RegisterLayout.Build(configuration), RegisterLayout.BlockLength(configuration));
        _dispatch = new RegisterDispatch(_registers);
        _commands = new GlobalCommandEngine(_registers, _dispatch, configuration);
        _faults = new FaultRecorder(_registers, _dispatch, configuration, interruptSink);
        _invalidation = new InvalidationEngine(Caches, configuration.Capability);
        _ = new RegisterInvalidation(_registers, _dispatch, configuration, _commands, _invalidation);

        // Implicit invalidations of SRTP / SIRTP (CAP.ESRTPS / ESIRTPS) run before queue fetching starts.
        _commands.Completed += OnGlobalCommand;
        _queue = new InvalidationQueue(_registers, _dispatch, configuration, memory, _commands, _faults, _invalidation, interruptSink);
        _deviceTlbs = new DeviceTlbInvalidator(_queue, _invalidation, _faults);
        _dma = new DmaPath(memory, configuration, Caches, _commands, _faults, _stateLock);
        _interrupts = new InterruptRemapping(memory, configuration, _commands, _faults, _queue, _invalidation, _stateLock);
        _translationRequests = new TranslationRequests(_dma, _commands);
        _pageRequests = new PageRequestQueue(_registers, _dispatch, configuration, memory, _commands, _faults, _queue, interruptSink);
    }

    /// <summary>The unit's translation caches (context, PASID, IOTLB, paging-structure) and their statistics.</summary>
    public TranslationCaches Caches { get; }

    /// <summary>The unit's configuration (VER, CAP, ECAP, HAW).</summary>
    public UnitConfiguration Configuration { get; }

    /// <inheritdoc />
    public int Length => _registers.Length;

    /// <summary>Number of rejected MMIO accesses (bad size, alignment or offset) since construction.</summary>
    public long GuestErrorCount => Interlocked.Read(ref _guestErrors);

    /// <summary>Sees every register access; null (the default) costs one check per access.</summary>
    public IRegisterObserver? Observer { get; set; }

    /// <summary>
    /// Sees every descriptor the invalidation queue processes (<see cref="IInvalidationObserver"/>);
    /// null (the default) costs one check per descriptor.
    /// </summary>
    public IInvalidationObserver? InvalidationObserver
    {
        get => _queue.Observer;
        set
        {
            lock (_stateLock)
            {
                _queue.Observer = value;
            }
        }
    }

    /// <summary>Translate-path counters: translations, cache hits and misses, walks, guest-memory table reads, faults.</summary>
    public TranslationStatistics Statistics => _dma.Translator.Statistics;

    /// <summary>A consistent snapshot of the invalidation counters (by interface, request and performed granularity).</summary>
    public InvalidationStatistics InvalidationStatistics
    {
        get
        {
            lock (_stateLock)
            {
                return _invalidation.Snapshot();
            }
        }
    }

    /// <summary>The interrupt entry cache (IEC); its geometry is set by <see cref="ConfigureInterruptEntryCache"/>.</summary>
    public InterruptEntryCache InterruptEntryCache => _interrupts.Cache;

    /// <summary>Where delivered interrupts go (remapped, passed through, posting notifications); null drops them.</summary>
    public IApicBus? ApicBus
    {
        get => _interrupts.ApicBus;
        set => _interrupts.ApicBus = value;
    }

    internal GuestMemory Memory { get; }

    internal CapabilityRegister Capability => Configuration.Capability;

    internal ExtendedCapabilityRegister ExtendedCapability => Configuration.ExtendedCapability;

    internal int HostAddressWidth => Configuration.HostAddressWidth;

    internal GlobalStatus Status => _commands.Status;

    /// <summary>GSTS.TES: DMA remapping is enabled.</summary>
    public bool TranslationEnabled => _commands.TranslationEnabled;

    /// <summary>GSTS.QIES: queued invalidation is enabled.</summary>
    internal bool QueuedInvalidationEnabled => (Status & GlobalStatus.QIES) != 0;

    /// <summary>GSTS.IRES: interrupt remapping is enabled.</summary>
    internal bool InterruptRemappingEnabled => (Status & GlobalStatus.IRES) != 0;

    /// <summary>Root table address latched by the last SRTP (RTADDR bits 63:12).</summary>
    public ulong RootTableAddress => _commands.RootTableAddress;

    /// <summary>Translation table mode latched by the last SRTP (RTADDR.TTM).</summary>
    public TranslationTableMode RootTableMode => _commands.RootTableMode;

    /// <summary>IRTA value latched by the last SIRTP (address 63:12, EIME 11, S 3:0): the table requests are remapped through.</summary>
    public ulong InterruptRemapTable => _commands.InterruptRemapTable;

    /// <summary>AFLOG value latched by the last SFL (AFL only).</summary>
    internal ulong FaultLog => _commands.FaultLog;

    internal FaultStatus FaultStatusBits => _faults.Status;

    /// <summary>The translate path for this unit's capabilities, through <see cref="Caches"/>.</summary>
    internal Translator Translator => _dma.Translator;

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        if (!IsValidAccess(offset, size))
        {
            RejectAccess(offset, size, ulong.MaxValue, RegisterAccessKind.InvalidRead);
            return ulong.MaxValue;
        }

        ulong value = _registers.GuestRead((int)offset, size);
        if (Observer is { } observer)
        {
            observer.OnAccess(new RegisterAccess(offset, size, value, RegisterAccessKind.Read, _registers.NameAt((int)offset)));
        }

        return value;
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (!IsValidAccess(offset, size))
        {
            RejectAccess(offset, size, value, RegisterAccessKind.InvalidWrite);
            return;
        }

        int at = (int)offset;
        if (size == 4)
        {
            value &= 0xFFFF_FFFF;
        }

        if (Observer is { } observer)
        {
            observer.OnAccess(new RegisterAccess(offset, size, value, RegisterAccessKind.Write, _registers.NameAt(at)));
        }

        lock (_stateLock)
        {
            _registers.GuestWrite(at, size, value);
            _dispatch.Run(at, size);
        }
    }

    /// <summary>Returns every register to its reset value and forgets latched pointers and the next-record index.</summary>
    public void Reset()
    {
        lock (_stateLock)
        {
            _registers.Reset();
            _commands.Reset();
            _dma.Relatch();
            _faults.Reset();
        }
    }

    /// <summary>
    /// Translates one DMA request as the hardware would at this moment, recording its fault when the
    /// spec says it is recorded. Thread-safe: devices may call it concurrently with each other and with
    /// MMIO accesses. Allocates nothing.
    /// </summary>
    public TranslationResult Translate(in DmaRequest request) => _dma.Translate(request);

    /// <summary>
    /// Processes one interrupt request (a DWORD write of <paramref name="data"/> to <paramref name="address"/>
    /// in 0xFEEx_xxxx by <paramref name="sourceId"/>): delivers it to <see cref="ApicBus"/>, posts it, or
    /// blocks it and records the fault (spec-notes/interrupt-remapping.md). Never throws on guest input.
    /// </summary>
    public InterruptRemapResult SignalInterrupt(ushort sourceId, ulong address, uint data) => _interrupts.Signal(sourceId, address, data);

    /// <summary>Replaces the IEC with an empty one of <paramref name="geometry"/> (host configuration).</summary>
    public void ConfigureInterruptEntryCache(CacheGeometry geometry)
    {
        lock (_stateLock)
        {
            _interrupts.ConfigureLocked(geometry);
        }
    }

    /// <summary>Answers one ATS translation request (spec-notes/device-tlb.md §2).</summary>
    public AtsCompletion TranslateForDevice(ushort sourceId, ulong address, uint? pasid = null, bool write = false) =>
        _translationRequests.Translate(sourceId, address, pasid, write);

    /// <summary>
    /// Handles one page request (spec-notes/page-requests.md §3): writes its descriptor at PQT, or drops
    /// or rejects it and answers the device itself. Thread-safe; never throws on guest state.
    /// </summary>
    public PageRequestOutcome RequestPage(in PageRequest request)
    {
        lock (_stateLock)
        {
            return _pageRequests.Submit(request);
        }
    }

    /// <summary>Connects <paramref name="deliver"/> as the receiver of page group responses addressed to <paramref name="sourceId"/>.</summary>
    internal void AttachPageRequester(ushort sourceId, Action<PageGroupResponse> deliver)
    {
        lock (_stateLock)
        {
            _pageRequests.Attach(sourceId, deliver);
        }
    }

    /// <summary>Connects <paramref name="tlb"/> as the device-TLB of <paramref name="sourceId"/>: device-TLB invalidations for that SID reach it.</summary>
    internal void AttachDeviceTlb(ushort sourceId, DeviceTlb tlb)
    {
        lock (_stateLock)
        {
            _deviceTlbs.Attach(sourceId, tlb);
        }
    }

    /// <summary>
    /// A port for the DMA of one requester (<paramref name="sourceId"/>, bus in bits 15:8): batches
    /// of its requests translated as <see cref="Translate"/> would translate each in turn, with the
    /// per-request work (latched state, invalidation epoch, context resolution, counting) done once
    /// per batch (spec-notes/caching.md, "Ports").
    /// </summary>
    public DmaPort OpenPort(ushort sourceId) => new(_dma, sourceId);

    /// <summary>Zeroes <see cref="Statistics"/> and every cache's counters; cached entries stay.</summary>
    public void ResetStatistics() => _dma.Translator.ResetStatistics();

    /// <summary>
    /// Device model for device-TLB invalidations (descriptor types 3 and 8): how the device with
    /// <paramref name="sourceId"/> answers an ATS invalidate request. Every device completes by default.
    /// </summary>
    public void SetDeviceTlbBehaviour(ushort sourceId, DeviceTlbBehaviour behaviour)
    {
        lock (_stateLock)
        {
            _deviceTlbs.SetBehaviour(sourceId, behaviour);
        }
    }

    /// <summary>Logs one reportable primary fault (see <see cref="FaultRecorder.Record"/>). The caller holds no lock.</summary>
    internal void RecordFault(in FaultRecord record)
    {
        lock (_stateLock)
        {
            _faults.Record(record);
        }
    }

    /// <inheritdoc cref="InvalidationQueue.SignalWaitCompletion"/>
    internal void SignalInvalidationWaitCompletion()
    {
        lock (_stateLock)
        {
            _queue.SignalWaitCompletion();
        }
    }

    /// <inheritdoc cref="FaultRecorder.ReportInvalidationQueueError"/>
    internal void ReportInvalidationQueueError(byte iqei)
    {
        lock (_stateLock)
        {
            _faults.ReportInvalidationQueueError(iqei);
        }
    }

    /// <inheritdoc cref="FaultRecorder.ReportInvalidationTimeout"/>
    internal void ReportInvalidationTimeout(ushort sourceId)
    {
        lock (_stateLock)
        {
            _faults.ReportInvalidationTimeout(sourceId);
        }
    }

    /// <inheritdoc cref="FaultRecorder.ReportInvalidationCompletionError"/>
    internal void ReportInvalidationCompletionError(ushort sourceId)
    {
        lock (_stateLock)
        {
            _faults.ReportInvalidationCompletionError(sourceId);
        }
    }

    /// <summary>Raw 32-bit register value for model code (WO bits included, no masks).</summary>
    internal uint GetRegister32(VtdRegister register) => _registers.Get32((int)register);

    /// <summary>Raw 64-bit register value for model code (WO bits included, no masks).</summary>
    internal ulong GetRegister64(int offset) => _registers.Get64(offset);

    /// <summary>Raw 64-bit register value for model code (WO bits included, no masks).</summary>
    internal ulong GetRegister64(VtdRegister register) => _registers.Get64((int)register);

    /// <summary>Model-side 32-bit store, bypassing the guest masks (e.g. status the hardware owns).</summary>
    internal void SetRegister32(VtdRegister register, uint value) => _registers.Set32((int)register, value);

    /// <summary>Model-side 64-bit store, bypassing the guest masks (e.g. IQH, CCMD.CAIG, IOTLB.IAIG).</summary>
    internal void SetRegister64(int offset, ulong value) => _registers.Set64(offset, value);

    /// <summary>Model-side 64-bit store, bypassing the guest masks.</summary>
    internal void SetRegister64(VtdRegister register, ulong value) => _registers.Set64((int)register, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsValidAccess(ulong offset, int size) =>
        (size == 4 || size == 8) && (offset & (uint)(size - 1)) == 0 && offset <= (ulong)(_registers.Length - size);

    private void RejectAccess(ulong offset, int size, ulong value, RegisterAccessKind kind)
    {
        Interlocked.Increment(ref _guestErrors);
        Observer?.OnAccess(new RegisterAccess(offset, size, value, kind, InvalidName));
    }

    private void OnGlobalCommand(GlobalCommandOutcome outcome)
    {
        if (outcome.Performed(GlobalCommand.SRTP, GlobalStatus.RTPS) && Capability.ESRTPS)
        {
            _invalidation.RootTablePointerLatched();
        }

        // SIRTP with CAP.ESIRTPS: the interrupt-remapping component empties its IEC.
    }
}
