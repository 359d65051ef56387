using System.Numerics;
using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's invalidation interface (VT-d spec §6.5; spec-notes/intel-driver.md "Invalidation interface"): queued
/// invalidation once <see cref="StartQueue"/> ran (every submission ends with an inv_wait whose status write is polled,
/// as Linux's <c>qi_submit_sync</c>), register-based CCMD / IOTLB_REG otherwise (write, then poll ICC / IVT). Every
/// wait is bounded; failures are reported and returned, never thrown. Thread-safe (one submission at a time, as the
/// hardware requires for register-based invalidation).
/// </summary>
internal sealed class IntelInvalidator
{
    private const int MaxAgawPfnWidth = 52;

    private readonly Lock _lock = new();
    private readonly IMmio _mmio;
    private readonly GuestMemory _memory;
    private readonly IntelUnitCaps _caps;
    private readonly int _pollLimit;
    private readonly Action<IntelDriverDiagnostic> _report;
    private ulong _queueBase;
    private int _descriptorSize;
    private int _entries;
    private int _tail;
    private ulong _statusAddress;
    private uint _sequence;

    public IntelInvalidator(IMmio mmio, GuestMemory memory, IntelUnitCaps caps, int pollLimit, Action<IntelDriverDiagnostic> report)
    {
        _mmio = mmio;
        _memory = memory;
        _caps = caps;
        _pollLimit = pollLimit;
        _report = report;
    }

    /// <summary>True once queued invalidation is in use.</summary>
    public bool Queued { get; private set; }

    /// <summary>Switches to the queue the driver has just enabled (IQA programmed, IQT = 0, QIES set).</summary>
    public void StartQueue(ulong queueBase, int descriptorSize, int entries, ulong statusAddress)
    {
        lock (_lock)
        {
            _queueBase = queueBase;
            _descriptorSize = descriptorSize;
            _entries = entries;
            _statusAddress = statusAddress;
            _tail = 0;
            Queued = true;
        }
    }

    /// <summary>Global context-cache invalidation.</summary>
    public LinuxError ContextGlobal() => Queued
        ? Submit(QiDescriptor.ContextCache(QiDescriptor.Global, 0, 0, 0))
        : ContextRegister(IntelRegisters.ICC | (1UL << 61));

    /// <summary>Device-selective context-cache invalidation for <paramref name="sid"/> (FM = 0) tagged <paramref name="did"/>.</summary>
    public LinuxError ContextDevice(ushort did, ushort sid) => Queued
        ? Submit(QiDescriptor.ContextCache(QiDescriptor.Selective, did, sid, 0))
        : ContextRegister(IntelRegisters.ICC | (3UL << 61) | ((ulong)sid << 16) | did);

    /// <summary>Global PASID-cache invalidation (queued only; scalable mode requires queued invalidation).</summary>
    public LinuxError PasidCacheGlobal() => QueuedOnly(QiDescriptor.PasidCache(QiDescriptor.PasidGlobal, 0, 0));

    /// <summary>PASID-selective-within-domain PASID-cache invalidation (Linux <c>pasid_cache_invalidation_with_pasid</c>).</summary>
    public LinuxError PasidCachePasid(ushort did, uint pasid) => QueuedOnly(QiDescriptor.PasidCache(QiDescriptor.PasidSelective, did, pasid));

    /// <summary>PASID-based IOTLB invalidation of every address of (<paramref name="did"/>, <paramref name="pasid"/>).</summary>
    public LinuxError PasidIotlbAll(ushort did, uint pasid) => QueuedOnly(QiDescriptor.PasidIotlb(QiDescriptor.PasidAllAddresses, did, pasid, 0, ih: false, am: 0));

    /// <summary>
    /// PASID-based IOTLB invalidation covering [<paramref name="start"/>, <paramref name="end"/>] (Linux
    /// <c>qi_flush_piotlb</c>): the aligned block of <see cref="PsiRange"/>; a mask beyond the address width
    /// becomes the all-addresses granularity.
    /// </summary>
    public LinuxError PasidIotlbRange(ushort did, uint pasid, ulong start, ulong end, bool ih)
    {
        ulong address = PsiRange(start, end, out int mask);
        return mask >= MaxAgawPfnWidth
            ? PasidIotlbAll(did, pasid)
            : QueuedOnly(QiDescriptor.PasidIotlb(QiDescriptor.PasidPages, did, pasid, address, ih, mask));
    }

    /// <summary>
    /// Linux <c>devtlb_invalidation_with_pasid</c>: PASID 0 (RID_PASID) → device-TLB invalidation of everything;
    /// otherwise a PASID-based device-TLB invalidation of every address of the PASID.
    /// </summary>
    public LinuxError DeviceTlbPasidAll(ushort sid, uint pasid) =>
        pasid == 0 ? DeviceTlbAll(sid) : QueuedOnly(QiDescriptor.PasidDeviceTlbAll(sid, sid, pasid));

    /// <summary>Global IOTLB invalidation.</summary>
    public LinuxError IotlbGlobal() => Iotlb(QiDescriptor.Global, 0, 0, ih: false, am: 0);

    /// <summary>Domain-selective IOTLB invalidation.</summary>
    public LinuxError IotlbDomain(ushort did) => Iotlb(QiDescriptor.Domain, did, 0, ih: false, am: 0);

    /// <summary>
    /// IOTLB invalidation covering [<paramref name="start"/>, <paramref name="end"/>]: page-selective with the aligned
    /// block from <see cref="PsiRange"/>, domain-selective when the unit lacks PSI or the mask exceeds MAMV (Linux
    /// <c>cache_tag_flush_iotlb</c>). <paramref name="ih"/> = only leaves changed.
    /// </summary>
    public LinuxError IotlbRange(ushort did, ulong start, ulong end, bool ih)
    {
        ulong address = PsiRange(start, end, out int mask);
        return !_caps.PSI || mask > _caps.MAMV
            ? IotlbDomain(did)
            : Iotlb(QiDescriptor.Selective, did, address, ih, mask);
    }

    /// <summary>Device-TLB invalidation of 2^<paramref name="mask"/> pages at <paramref name="address"/> (queued only).</summary>
    public LinuxError DeviceTlb(ushort sid, ulong address, int mask) =>
        Queued ? Submit(QiDescriptor.DeviceTlb(sid, sid, 0, address, mask)) : LinuxError.EOPNOTSUPP;

    /// <summary>Device-TLB invalidation of everything the device caches.</summary>
    public LinuxError DeviceTlbAll(ushort sid) => DeviceTlb(sid, 0, MaxAgawPfnWidth);

    /// <summary>
    /// Linux <c>calculate_psi_aligned_address</c>: the smallest naturally aligned power-of-two block of 4 KiB pages
    /// covering [start, end]; returns its base and log2(pages) in <paramref name="mask"/>.
    /// </summary>
    public static ulong PsiRange(ulong start, ulong end, out int mask)
    {
        ulong firstPfn = start >> PageGeometry.PageShift;
        ulong pages = (end >> PageGeometry.PageShift) - firstPfn + 1;
        ulong aligned = BitOperations.RoundUpToPowerOf2(pages);
        mask = BitOperations.Log2(aligned);
        if (((aligned - 1) & firstPfn) != 0)
        {
            ulong lastPfn = firstPfn + pages - 1;
            ulong shared = ~(firstPfn ^ lastPfn) & ~(aligned - 1);
            mask = shared != 0 ? BitOperations.TrailingZeroCount(shared) : MaxAgawPfnWidth;
        }

        int shift = PageGeometry.PageShift + mask;
        return shift >= 64 ? 0 : (start >> shift) << shift;
    }

    private LinuxError Iotlb(int granularity, ushort did, ulong address, bool ih, int am)
    {
        if (Queued)
        {
            return Submit(QiDescriptor.Iotlb(granularity, did, _caps.DWD, _caps.DRD, address, ih, am));
        }

        ulong command = IntelRegisters.IVT | ((ulong)granularity << 60) | ((ulong)did << 32)
            | (_caps.DWD ? 1UL << 48 : 0) | (_caps.DRD ? 1UL << 49 : 0);
        ulong iva = granularity == QiDescriptor.Selective ? (address & ~0xFFFUL) | (ih ? 1UL << 6 : 0) | (uint)am : 0;
        return IotlbRegister(iva, command, granularity == QiDescriptor.Selective);
    }

    private LinuxError QueuedOnly(QiDescriptor descriptor) => Queued ? Submit(descriptor) : LinuxError.EOPNOTSUPP;

    private LinuxError ContextRegister(ulong command)
    {
        lock (_lock)
        {
            _mmio.Write(IntelRegisters.CCMD, 8, command);
            return PollCleared(IntelRegisters.CCMD, IntelRegisters.ICC, IntelRegisters.CaigShift);
        }
    }

    private LinuxError IotlbRegister(ulong iva, ulong command, bool pageSelective)
    {
        ulong ivaOffset = _caps.IotlbRegisterOffset;
        lock (_lock)
        {
            // IVA first, then the command (spec §6.5.1.2).
            if (pageSelective)
            {
                _mmio.Write(ivaOffset, 8, iva);
            }

            _mmio.Write(ivaOffset + 8, 8, command);
            return PollCleared(ivaOffset + 8, IntelRegisters.IVT, IntelRegisters.IaigShift);
        }
    }

    private LinuxError PollCleared(ulong offset, ulong busyBit, int actualGranularityShift)
    {
        for (int i = 0; i < _pollLimit; i++)
        {
            ulong value = _mmio.Read(offset, 8);
            if ((value & busyBit) == 0)
            {
                if (((value >> actualGranularityShift) & 3) == 0)
                {
                    _report(IntelDriverDiagnostic.InvalidationNotPerformed);
                }

                return LinuxError.Success;
            }
        }

        _report(IntelDriverDiagnostic.InvalidationTimeout);
        return LinuxError.ETIMEDOUT;
    }

    private LinuxError Submit(QiDescriptor descriptor)
    {
        lock (_lock)
        {
            if (!WaitForSpace(2))
            {
                _report(IntelDriverDiagnostic.QueueFull);
                return LinuxError.ETIMEDOUT;
            }

            uint sequence = unchecked(++_sequence);
            _ = _memory.TryWrite32(_statusAddress, 0);
            WriteDescriptor(_tail, descriptor);
            WriteDescriptor((_tail + 1) % _entries, QiDescriptor.Wait(sequence, _statusAddress));
            _tail = (_tail + 2) % _entries;
            _mmio.Write(IntelRegisters.IQT, 8, (ulong)(_tail * _descriptorSize));
            for (int i = 0; i < _pollLimit; i++)
            {
                if (_memory.TryRead32(_statusAddress, out uint status) && status == sequence)
                {
                    return LinuxError.Success;
                }

                if ((_mmio.Read(IntelRegisters.FSTS, 4) & IntelRegisters.IQE) != 0)
                {
                    RecoverQueueError();
                    return LinuxError.EINVAL;
                }
            }

            _report(IntelDriverDiagnostic.InvalidationTimeout);
            return LinuxError.ETIMEDOUT;
        }
    }

    // Linux qi_check_fault: the rejected descriptor (at IQH) is overwritten with a harmless wait, then IQE is cleared
    // so the unit resumes from IQH.
    private void RecoverQueueError()
    {
        int head = HeadIndex();
        WriteDescriptor(head, QiDescriptor.Nop());
        _mmio.Write(IntelRegisters.FSTS, 4, IntelRegisters.IQE);
        _report(IntelDriverDiagnostic.QueueError);
    }

    private bool WaitForSpace(int needed)
    {
        for (int i = 0; i < _pollLimit; i++)
        {
            int used = (_tail - HeadIndex() + _entries) % _entries;
            if (_entries - 1 - used >= needed)
            {
                return true;
            }
        }

        return false;
    }

    private int HeadIndex() => (int)((_mmio.Read(IntelRegisters.IQH, 8) & 0x7_FFF0) / (ulong)_descriptorSize) % _entries;

    private void WriteDescriptor(int index, QiDescriptor descriptor)
    {
        ulong slot = _queueBase + (ulong)(index * _descriptorSize);
        _ = _memory.TryWrite64(slot, descriptor.Qw0);
        _ = _memory.TryWrite64(slot + 8, descriptor.Qw1);
        if (_descriptorSize == 32)
        {
            _ = _memory.TryWrite64(slot + 16, 0);
            _ = _memory.TryWrite64(slot + 24, 0);
        }
    }
}
