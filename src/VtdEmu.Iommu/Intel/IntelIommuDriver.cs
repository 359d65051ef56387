using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The Intel VT-d driver under <see cref="IommuCore"/> (Linux <c>drivers/iommu/intel</c>,
/// spec-notes/intel-driver.md): one instance per remapping unit. It sees the hardware only as a real driver does —
/// the unit's registers through <see cref="IMmio"/> and its in-memory structures in <see cref="GuestMemory"/> —
/// and programs root/context tables, page tables and invalidations: legacy mode, or scalable mode when the unit
/// reports ECAP.SMTS (with queued invalidation and FLTS or SLTS) — PASID directories per device, PASID-table
/// entries per attachment, first-level tables for paging domains when ECAP.FLTS is reported. Waits for the
/// hardware are bounded (<see cref="IntelDriverOptions.PollLimit"/>); what Linux would hang or panic on is
/// reported in <see cref="Diagnostics"/>. Sequences and choices: spec-notes/intel-driver.md.
/// </summary>
public sealed partial class IntelIommuDriver : IIommuDriver
{
    private const ushort PassThroughDid = 1;

    private readonly Lock _lock = new();
    private readonly Lock _diagnosticsLock = new();
    private readonly List<IntelDriverDiagnostic> _diagnostics = [];
    private readonly IMmio _mmio;
    private readonly GuestMemory _memory;
    private readonly IntelDriverOptions _options;
    private readonly GuestPageAllocator _pages;
    private readonly DomainIdAllocator _domainIds;
    private readonly HashSet<ushort> _probedRids = [];
    private ulong _rootTable;

    private IntelIommuDriver(IMmio mmio, GuestMemory memory, MemoryRange driverPages, IntelDriverOptions options)
    {
        _mmio = mmio;
        _memory = memory;
        _options = options;
        Caps = new IntelUnitCaps(mmio.Read(IntelRegisters.CAP, 8), mmio.Read(IntelRegisters.ECAP, 8));
        _pages = new GuestPageAllocator(memory, driverPages);
        _domainIds = new DomainIdAllocator(Caps.DomainCount);
        Invalidator = new IntelInvalidator(mmio, memory, Caps, options.PollLimit, Report);
        BlockedDomain = new IntelBlockedDomain(this);
        IdentityDomain = Caps.PT ? new IntelIdentityDomain(this) : null;

        // Linux sm_supported(): intel_iommu=sm_on (default) and ECAP.SMTS; this driver also needs QI (the PASID-cache
        // and PASID-based IOTLB invalidations exist only as descriptors) and one of FLTS / SLTS.
        ScalableMode = !options.ScalableModeOff && Caps.SMTS && Caps.QI && (Caps.FLTS || Caps.SLTS);
        FirstLevelTables = ScalableMode && Caps.FLTS;
        Agaw = ScalableMode ? Caps.ScalableAgaw : Caps.Agaw;
        AddressWidth = Math.Min(IntelUnitCaps.AgawToWidth(Math.Max(Agaw, 0)), Caps.MGAW);
        PgsizeBitmap = PgsizeBitmapFor(FirstLevelTables);
    }

    /// <inheritdoc/>
    public IIommuDomainOps? BlockedDomain { get; }

    /// <inheritdoc/>
    public IIommuDomainOps? IdentityDomain { get; }

    /// <summary>The options the driver was created with.</summary>
    internal IntelDriverOptions Options => _options;

    /// <summary>The AGAW paging domains use (page-table levels = AGAW + 2).</summary>
    public int Agaw { get; }

    /// <summary>Domain address width: min(width of <see cref="Agaw"/>, MGAW).</summary>
    public int AddressWidth { get; }

    /// <summary>
    /// Leaf sizes of default paging domains: 4 KiB, plus 2 MiB / 1 GiB from CAP.SLLPS (second level) or 2 MiB and
    /// 1 GiB with CAP.FL1GP (first level).
    /// </summary>
    public ulong PgsizeBitmap { get; }

    /// <summary>True when the driver programs the unit in scalable mode (RTADDR.TTM = 01, PASID tables).</summary>
    public bool ScalableMode { get; }

    /// <summary>True when paging domains get first-level tables (scalable mode with ECAP.FLTS), as Linux prefers.</summary>
    public bool FirstLevelTables { get; }

    /// <summary>True when queued invalidation is in use (ECAP.QI).</summary>
    public bool QueuedInvalidation => Invalidator.Queued;

    /// <summary>Guest-physical address of the root table.</summary>
    public ulong RootTable => _rootTable;

    /// <summary>Pages of the driver's range in use (root, context and page tables, queue).</summary>
    public int PagesInUse => _pages.InUse;

    /// <summary>Everything the driver reported, in order.</summary>
    public IReadOnlyList<IntelDriverDiagnostic> Diagnostics
    {
        get
        {
            lock (_diagnosticsLock)
            {
                return [.. _diagnostics];
            }
        }
    }

    internal IntelUnitCaps Caps { get; }

    internal IntelInvalidator Invalidator { get; }

    internal GuestMemory Memory => _memory;

    internal GuestPageAllocator Pages => _pages;

    /// <summary>
    /// Creates the driver for the unit behind <paramref name="mmio"/> and initialises the unit as Linux's
    /// <c>init_dmars</c> does: queued invalidation (when ECAP.QI), root table, SRTP, global context-cache and IOTLB
    /// invalidation. Translation stays off until <see cref="EnableTranslation"/> (Linux enables it after probing
    /// devices). <paramref name="driverPages"/> is guest RAM the driver owns for its structures.
    /// </summary>
    public static LinuxError Create(IMmio mmio, GuestMemory memory, MemoryRange driverPages, IntelDriverOptions? options, out IntelIommuDriver? driver)
    {
        ArgumentNullException.ThrowIfNull(mmio);
        ArgumentNullException.ThrowIfNull(memory);
        IntelIommuDriver d = new(mmio, memory, driverPages, options ?? new IntelDriverOptions());
        LinuxError result = d.Initialise();
        driver = result == LinuxError.Success ? d : null;
        return result;
    }

    /// <summary>
    /// Sets GCMD.TE and waits for GSTS.TES (Linux <c>iommu_enable_translation</c>), then turns off the protected
    /// memory regions (PMEN.EPM) as Linux does. Call after <see cref="IommuCore.Probe"/>.
    /// </summary>
    public LinuxError EnableTranslation()
    {
        lock (_lock)
        {
            LinuxError result = UpdateCommand(IntelRegisters.TranslationEnable, enable: true);
            if (result == LinuxError.Success && Caps.ProtectedMemory)
            {
                uint pmen = (uint)_mmio.Read(IntelRegisters.PMEN, 4);
                _mmio.Write(IntelRegisters.PMEN, 4, pmen & ~IntelRegisters.EnableProtectedMemory);
                result = WaitStatus(IntelRegisters.PMEN, IntelRegisters.ProtectedRegionStatus, expectSet: false);
            }

            return result;
        }
    }

    /// <summary>How many times <paramref name="diagnostic"/> was reported.</summary>
    public int Count(IntelDriverDiagnostic diagnostic)
    {
        lock (_diagnosticsLock)
        {
            int n = 0;
            foreach (IntelDriverDiagnostic d in _diagnostics)
            {
                n += d == diagnostic ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>
    /// <c>intel_iommu_probe_device</c>. A second device with a requester ID already probed on this unit would share
    /// (and overwrite) the first one's context entry: refused with EEXIST, as Linux's per-unit device tree does
    /// (spec-notes/iommu-core.md). In scalable mode also allocates the device's PASID directory and writes the
    /// scalable context entry of every DMA alias (Linux <c>intel_pasid_setup_sm_context</c>).
    /// </summary>
    public LinuxError ProbeDevice(IommuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_lock)
        {
            if (!_probedRids.Add(device.Bdf.SourceId))
            {
                return LinuxError.EEXIST;
            }
        }

        bool ats = Caps.DT && QueuedInvalidation && (_options.AtsCapable?.Invoke(device.Bdf) ?? false);
        bool pasid = ScalableMode && Caps.PASID && device.MaxPasids > 0;
        IntelDeviceInfo info = new(device.Bdf, device.Node.DmaAliases, ats, pasid);
        if (ScalableMode)
        {
            LinuxError r = SetupScalableContext(info, device.MaxPasids);
            if (r != LinuxError.Success)
            {
                lock (_lock)
                {
                    _probedRids.Remove(device.Bdf.SourceId);
                }

                return r;
            }
        }

        device.DriverData = info;
        return LinuxError.Success;
    }

    /// <summary><c>release_device</c>: in scalable mode clears the context entries and frees the PASID directory.</summary>
    public void ReleaseDevice(IommuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (ScalableMode && device.DriverData is IntelDeviceInfo info)
        {
            TeardownScalableContext(info);
        }

        lock (_lock)
        {
            _probedRids.Remove(device.Bdf.SourceId);
        }

        device.DriverData = null;
    }

    /// <inheritdoc/>
    public IommuDomainType? DefDomainType(IommuDevice device) => Caps.PT ? null : IommuDomainType.Dma;

    /// <summary>
    /// <c>domain_alloc_paging_flags</c> (spec-notes/iommu-core.md "Domain allocation"; spec-notes/intel-driver.md
    /// "Scalable mode"): NEST_PARENT needs scalable mode with ECAP.NEST and SLTS, DIRTY_TRACKING scalable mode with
    /// SLADS and SLTS (EOPNOTSUPP otherwise); both force second-level tables. Otherwise first-level tables whenever the
    /// unit has FLTS in scalable mode.
    /// </summary>
    public LinuxError DomainAllocPaging(IommuDevice device, IommuAllocFlags flags, out IIommuDomainOps? domain)
    {
        domain = null;
        const IommuAllocFlags known = IommuAllocFlags.Pasid | IommuAllocFlags.NestParent | IommuAllocFlags.DirtyTracking;
        bool nestParent = (flags & IommuAllocFlags.NestParent) != 0;
        bool dirty = (flags & IommuAllocFlags.DirtyTracking) != 0;
        if ((flags & ~known) != 0
            || (nestParent && !(ScalableMode && Caps.NEST && Caps.SLTS))
            || (dirty && !(ScalableMode && Caps.SLADS && Caps.SLTS)))
        {
            return LinuxError.EOPNOTSUPP;
        }

        bool firstLevel = FirstLevelTables && !nestParent && !dirty;
        if (ScalableMode && !firstLevel && !Caps.SLTS)
        {
            return LinuxError.EOPNOTSUPP;
        }

        if (!_pages.TryAllocate(out ulong root))
        {
            return LinuxError.ENOMEM;
        }

        domain = new IntelPagingDomain(this, root, firstLevel, dirty, nestParent);
        return LinuxError.Success;
    }

    /// <summary>Leaf sizes for second-level (fls(SLLPS) superpage levels) or first-level (2 MiB, 1 GiB with FL1GP) tables.</summary>
    internal ulong PgsizeBitmapFor(bool firstLevel)
    {
        ulong bitmap = GuestPageAllocator.PageSize;
        if (_options.SuperpagesOff)
        {
            return bitmap;
        }

        int superpageLevels = firstLevel ? (Caps.FL1GP ? 2 : 1) : 32 - int.LeadingZeroCount(Caps.SLLPS);
        for (int level = 2; level <= Math.Min(superpageLevels + 1, 3); level++)
        {
            bitmap |= PageGeometry.LevelSize(level);
        }

        return bitmap;
    }

    internal void Report(IntelDriverDiagnostic diagnostic)
    {
        lock (_diagnosticsLock)
        {
            _diagnostics.Add(diagnostic);
        }
    }

    private LinuxError Initialise()
    {
        // Linux refuses a unit whose SAGAW offers no usable width ("Cannot get a valid agaw").
        if (Agaw < 0)
        {
            return LinuxError.ENODEV;
        }

        uint status = (uint)_mmio.Read(IntelRegisters.GSTS, 4);
        if ((status & IntelRegisters.TranslationEnable) != 0)
        {
            // Firmware or a crashed kernel left translation on; Linux (not kdump) turns it off.
            Report(IntelDriverDiagnostic.TranslationPreEnabled);
            LinuxError off = UpdateCommand(IntelRegisters.TranslationEnable, enable: false);
            if (off != LinuxError.Success)
            {
                return off;
            }
        }

        LinuxError result = Caps.QI ? EnableQueuedInvalidation() : LinuxError.Success;
        if (result != LinuxError.Success)
        {
            return result;
        }

        if (!_pages.TryAllocate(out _rootTable))
        {
            Report(IntelDriverDiagnostic.OutOfPages);
            return LinuxError.ENOMEM;
        }

        FlushWriteBuffer();
        _mmio.Write(IntelRegisters.RTADDR, 8, _rootTable | (ScalableMode ? ScalableEntries.RtaddrScalable : 0));
        result = UpdateCommand(IntelRegisters.RootTablePointer, enable: true);
        if (result != LinuxError.Success || Caps.ESRTPS)
        {
            return result;
        }

        // Spec §6.5 / spec-notes/intel-driver.md "Invalidation order": SRTP does not flush; the old root's cached
        // entries are dropped here: context cache, PASID cache (scalable), IOTLB.
        result = Invalidator.ContextGlobal();
        LinuxError pasid = ScalableMode ? Invalidator.PasidCacheGlobal() : LinuxError.Success;
        LinuxError iotlb = Invalidator.IotlbGlobal();
        return result != LinuxError.Success ? result : pasid != LinuxError.Success ? pasid : iotlb;
    }

    // Linux __dmar_enable_qi: IQT = 0, IQA (DW = 1 and QS = 1 when the unit has SMTS), GCMD.QIE, wait QIES.
    private LinuxError EnableQueuedInvalidation()
    {
        if (((uint)_mmio.Read(IntelRegisters.GSTS, 4) & IntelRegisters.QueuedInvalidationEnable) != 0)
        {
            Report(IntelDriverDiagnostic.QueuePreEnabled);
            for (int i = 0; i < _options.PollLimit && _mmio.Read(IntelRegisters.IQH, 8) != _mmio.Read(IntelRegisters.IQT, 8); i++)
            {
            }

            LinuxError off = UpdateCommand(IntelRegisters.QueuedInvalidationEnable, enable: false);
            if (off != LinuxError.Success)
            {
                return off;
            }
        }

        bool wide = Caps.SMTS;
        int queuePages = wide ? 2 : 1;
        if (!_pages.TryAllocateContiguous(queuePages, out ulong queue) || !_pages.TryAllocate(out ulong status))
        {
            Report(IntelDriverDiagnostic.OutOfPages);
            return LinuxError.ENOMEM;
        }

        int descriptorSize = wide ? 32 : 16;
        ulong iqa = queue | (wide ? (1UL << 11) | 1UL : 0);
        _mmio.Write(IntelRegisters.IQT, 8, 0);
        _mmio.Write(IntelRegisters.IQA, 8, iqa);
        LinuxError result = UpdateCommand(IntelRegisters.QueuedInvalidationEnable, enable: true);
        if (result == LinuxError.Success)
        {
            Invalidator.StartQueue(queue, descriptorSize, queuePages * (int)GuestPageAllocator.PageSize / descriptorSize, status);
        }

        return result;
    }

    /// <summary>
    /// One GCMD write changing one command (spec §11.4.4): the current GSTS without the one-shot status bits, with
    /// <paramref name="bit"/> set or cleared; then wait until GSTS shows it (one-shots: until the status is set).
    /// </summary>
    private LinuxError UpdateCommand(uint bit, bool enable)
    {
        uint status = (uint)_mmio.Read(IntelRegisters.GSTS, 4) & IntelRegisters.PersistentStatusMask;
        uint command = enable ? status | bit : status & ~bit;
        _mmio.Write(IntelRegisters.GCMD, 4, command);
        return WaitStatus(IntelRegisters.GSTS, bit, expectSet: enable);
    }

    private LinuxError WaitStatus(ulong offset, uint bit, bool expectSet)
    {
        for (int i = 0; i < _options.PollLimit; i++)
        {
            if ((((uint)_mmio.Read(offset, 4) & bit) != 0) == expectSet)
            {
                return LinuxError.Success;
            }
        }

        Report(IntelDriverDiagnostic.CommandTimeout);
        return LinuxError.ETIMEDOUT;
    }

    /// <summary>Linux <c>iommu_flush_write_buffer</c>: only when CAP.RWBF; GCMD.WBF, wait for WBFS to clear.</summary>
    internal void FlushWriteBuffer()
    {
        if (!Caps.RWBF)
        {
            return;
        }

        uint status = (uint)_mmio.Read(IntelRegisters.GSTS, 4) & IntelRegisters.PersistentStatusMask;
        _mmio.Write(IntelRegisters.GCMD, 4, status | IntelRegisters.WriteBufferFlush);
        _ = WaitStatus(IntelRegisters.GSTS, IntelRegisters.WriteBufferFlush, expectSet: false);
    }
}
