using System.Runtime.CompilerServices;
using VtdEmu.Caches;
using VtdEmu.Internal;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>
/// One DMA-remapping hardware unit (one DRHD) as seen through its register block: the register file
/// of VT-d spec chapter 11 (rev 4.x), global command processing, primary fault logging and the
/// fault / invalidation-completion event interrupts. Side effects complete before a write returns
/// (synchronous model: GSTS shows a command's completion as soon as the GCMD write returns).
/// </summary>
/// <remarks>
/// Access rules (spec-notes/registers.md): naturally aligned 4- and 8-byte accesses inside the
/// block; an 8-byte access over two 32-bit registers acts on both in address order. Any other size,
/// a misaligned access or an offset outside the block is a guest error: a read returns all-ones, a
/// write is dropped, <see cref="GuestErrorCount"/> increments and the observer sees it. Offsets inside
/// the block with no register read 0 and ignore writes.
/// </remarks>
public sealed partial class RemappingUnit : IMmio
{
    private const string InvalidName = "invalid";

    private readonly RegisterFile _registers;

    // Serialises every change of register state: guest MMIO writes, resets and fault recording by
    // DMA threads. Register reads stay lock-free (aligned 32/64-bit loads of the value array).
    private readonly Lock _stateLock = new();
    private readonly IInterruptSink? _interruptSink;
    private ulong _latchedRootTable;
    private ulong _latchedInterruptTable;
    private ulong _latchedFaultLog;
    private int _nextFaultRecord;
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
        _interruptSink = interruptSink;
        _registers = new RegisterFile(RegisterLayout.Build(configuration), RegisterLayout.BlockLength(configuration));
        Caches = new TranslationCaches((caches ?? new TranslationCacheOptions()) with { CachingMode = configuration.Capability.CM });
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

    internal GuestMemory Memory { get; }

    internal CapabilityRegister Capability => Configuration.Capability;

    internal ExtendedCapabilityRegister ExtendedCapability => Configuration.ExtendedCapability;

    internal int HostAddressWidth => Configuration.HostAddressWidth;

    internal GlobalStatus Status => (GlobalStatus)_registers.Get32((int)VtdRegister.GSTS);

    /// <summary>GSTS.TES: DMA remapping is enabled.</summary>
    public bool TranslationEnabled => (Status & GlobalStatus.TES) != 0;

    /// <summary>GSTS.QIES: queued invalidation is enabled.</summary>
    internal bool QueuedInvalidationEnabled => (Status & GlobalStatus.QIES) != 0;

    /// <summary>GSTS.IRES: interrupt remapping is enabled.</summary>
    internal bool InterruptRemappingEnabled => (Status & GlobalStatus.IRES) != 0;

    /// <summary>Root table address latched by the last SRTP (RTADDR bits 63:12).</summary>
    public ulong RootTableAddress => _latchedRootTable & Bits.Range(63, 12);

    /// <summary>Translation table mode latched by the last SRTP (RTADDR.TTM).</summary>
    public TranslationTableMode RootTableMode => (TranslationTableMode)Bits.Get(_latchedRootTable, 11, 10);

    /// <summary>IRTA value latched by the last SIRTP (address 63:12, EIME 11, S 3:0).</summary>
    internal ulong InterruptRemapTable => _latchedInterruptTable;

    /// <summary>AFLOG value latched by the last SFL (AFL only).</summary>
    internal ulong FaultLog => _latchedFaultLog;

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
            int first = _registers.RowAt(at);
            if (first >= 0)
            {
                RunWriteEffect(first, at, size);
            }

            if (size == 8 && _registers.RowAt(at + 4) is int second && second != first && second >= 0)
            {
                RunWriteEffect(second, at, size);
            }
        }
    }

    /// <summary>Returns every register to its reset value and forgets latched pointers and the next-record index.</summary>
    public void Reset()
    {
        lock (_stateLock)
        {
            _registers.Reset();
            _latchedRootTable = 0;
            _latchedInterruptTable = 0;
            _latchedFaultLog = 0;
            _nextFaultRecord = 0;
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

    // Runs the side effect of one register row touched by a write [at, at + size).
    private void RunWriteEffect(int rowIndex, int at, int size)
    {
        RegisterRow row = _registers.Rows[rowIndex];
        bool coversLowDword = at <= row.Offset;
        bool coversTopByte = at + size >= row.Offset + row.Width;
        switch (row.Effect)
        {
            case WriteEffect.Gcmd:
                ProcessGlobalCommand((GlobalCommand)_registers.Get32(row.Offset));
                break;
            case WriteEffect.Ccmd when coversTopByte && Bits.IsSet(_registers.Get64(row.Offset), 63):
                // CCMD.ICC fires on the write that covers bits 63:56 (registers.md §7).
                OnContextCommandWritten();
                break;
            case WriteEffect.Iotlb when coversTopByte && Bits.IsSet(_registers.Get64(row.Offset), 63):
                // IOTLB_REG.IVT fires on the write that covers bits 63:56 (registers.md §15).
                OnIotlbCommandWritten();
                break;
            case WriteEffect.Iqt when coversLowDword:
                // IQT.QT lives in bits 18:4: the low-dword (or full) write moves the tail.
                OnInvalidationQueueTailWritten();
                break;
            case WriteEffect.Fsts:
                UpdatePendingFaults();
                OnFaultStatusWritten();
                break;
            case WriteEffect.Frcd:
                UpdatePendingFaults();
                break;
            case WriteEffect.Fectl:
                UnmaskEvent(VtdRegister.FECTL, VtdRegister.FEDATA, VtdRegister.FEADDR, VtdRegister.FEUADDR);
                break;
            case WriteEffect.Iectl:
                UnmaskEvent(VtdRegister.IECTL, VtdRegister.IEDATA, VtdRegister.IEADDR, VtdRegister.IEUADDR);
                break;
            case WriteEffect.Ics:
                ServiceInvalidationEvent();
                break;
            case WriteEffect.Pmen:
                // PMEN.PRS (bit 0) reflects EPM (bit 31) once the change is in effect: immediately here.
                uint pmen = _registers.Get32(row.Offset);
                _registers.Set32(row.Offset, (pmen & ~1u) | (pmen >> 31));
                break;
            default:
                break;
        }
    }

    // Hooks for issue 4 (src/VtdEmu/Invalidation/): each register-side effect of an invalidation is
    // one partial method. Until implemented the calls compile away and the command bits stay set.

    /// <summary>CCMD written with ICC = 1 (register-based context-cache invalidation).</summary>
    partial void OnContextCommandWritten();

    /// <summary>IOTLB_REG written with IVT = 1 (register-based IOTLB invalidation, IVA holds the address).</summary>
    partial void OnIotlbCommandWritten();

    /// <summary>IQT.QT written: fetch descriptors from IQH up to the new tail when QIES = 1.</summary>
    partial void OnInvalidationQueueTailWritten();

    /// <summary>GCMD.QIE took QIES 0→1 (IQH is 0): start fetching.</summary>
    partial void OnQueuedInvalidationEnabled();

    /// <summary>FSTS written (after the RW1C update): clearing IQE or ITE lets queue fetching resume.</summary>
    partial void OnFaultStatusWritten();

    /// <summary>SRTP latched RTADDR on a unit with CAP.ESRTPS: globally invalidate DMA-remapping caches.</summary>
    partial void OnRootTablePointerLatched();

    /// <summary>SIRTP latched IRTA on a unit with CAP.ESIRTPS: globally invalidate the interrupt-entry cache.</summary>
    partial void OnInterruptRemapTablePointerLatched();
}
