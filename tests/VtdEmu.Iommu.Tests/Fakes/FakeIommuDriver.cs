using VtdEmu.Iommu;

namespace VtdEmu.Iommu.Tests.Fakes;

/// <summary>
/// An in-memory IOMMU driver for core tests: records what each device's RID and PASIDs are "programmed" with,
/// logs every driver call, and injects faults (fail probe/attach per device, fail allocation, fail map after N
/// leaves via <see cref="FakeDomain"/>).
/// </summary>
internal sealed class FakeIommuDriver : IIommuDriver
{
    public const ulong Size4K = 0x1000;
    public const ulong Size2M = 0x20_0000;
    public const ulong Size1G = 0x4000_0000;
    public const ulong VtdBitmap = Size4K | Size2M | Size1G;

    private readonly Lock _lock = new();
    private readonly Dictionary<IommuDevice, FakeDomain> _programmed = [];
    private readonly Dictionary<(IommuDevice, uint), FakeDomain> _pasids = [];
    private readonly List<string> _calls = [];

    public FakeIommuDriver(bool hasBlockedDomain = true, bool hasIdentityDomain = true, ulong pgsizeBitmap = VtdBitmap, ulong apertureEnd = (1UL << 48) - 1)
    {
        PgsizeBitmap = pgsizeBitmap;
        Geometry = new IommuGeometry(0, apertureEnd, ForceAperture: true);
        BlockedDomain = hasBlockedDomain ? new FakeDomain(this, IommuDomainType.Blocked) : null;
        IdentityDomain = hasIdentityDomain ? new FakeDomain(this, IommuDomainType.Identity) : null;
    }

    public ulong PgsizeBitmap { get; }

    public IommuGeometry Geometry { get; }

    public IIommuDomainOps? BlockedDomain { get; }

    public IIommuDomainOps? IdentityDomain { get; }

    /// <summary>Per-device def_domain_type answer (null = no preference).</summary>
    public Func<IommuDevice, IommuDomainType?> Preference { get; set; } = _ => null;

    /// <summary>Devices (by name) whose attach to any domain fails with <see cref="AttachError"/>.</summary>
    public HashSet<string> FailAttach { get; } = [];

    /// <summary>Devices (by name) whose attach fails only when the target domain is of this kind.</summary>
    public Func<IommuDevice, FakeDomain, bool> FailAttachWhen { get; set; } = (_, _) => false;

    public LinuxError AttachError { get; set; } = LinuxError.EINVAL;

    public HashSet<string> FailProbe { get; } = [];

    public HashSet<string> FailSetPasid { get; } = [];

    /// <summary>Error returned by the next paging allocations (Success = allocate).</summary>
    public LinuxError AllocError { get; set; } = LinuxError.Success;

    public IommuAllocFlags SupportedFlags { get; set; } = IommuAllocFlags.Pasid | IommuAllocFlags.NestParent;

    public bool DomainsSupportPasid { get; set; } = true;

    /// <summary>Applied to every newly allocated paging domain.</summary>
    public Action<FakeDomain> OnAlloc { get; set; } = _ => { };

    public int AttachCallCount { get; private set; }

    public int AllocCount { get; private set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public FakeDomain? ProgrammedDomain(IommuDevice device)
    {
        lock (_lock)
        {
            return _programmed.TryGetValue(device, out FakeDomain? d) ? d : null;
        }
    }

    public FakeDomain? ProgrammedPasid(IommuDevice device, uint pasid)
    {
        lock (_lock)
        {
            return _pasids.TryGetValue((device, pasid), out FakeDomain? d) ? d : null;
        }
    }

    public LinuxError ProbeDevice(IommuDevice device)
    {
        Log($"probe {device.Name}");
        return FailProbe.Contains(device.Name) ? LinuxError.ENODEV : LinuxError.Success;
    }

    public void ReleaseDevice(IommuDevice device)
    {
        Log($"release {device.Name}");
        lock (_lock)
        {
            _programmed.Remove(device);
        }
    }

    public IommuDomainType? DefDomainType(IommuDevice device) => Preference(device);

    public LinuxError DomainAllocPaging(IommuDevice device, IommuAllocFlags flags, out IIommuDomainOps? domain)
    {
        domain = null;
        if ((flags & ~SupportedFlags) != 0)
        {
            return LinuxError.EOPNOTSUPP;
        }

        if (AllocError != LinuxError.Success)
        {
            return AllocError;
        }

        FakeDomain fake = new(this, IommuDomainType.Unmanaged) { DirtyTracking = (flags & IommuAllocFlags.DirtyTracking) != 0 };
        OnAlloc(fake);
        lock (_lock)
        {
            AllocCount++;
        }

        domain = fake;
        return LinuxError.Success;
    }

    internal LinuxError Attach(FakeDomain domain, IommuDevice device)
    {
        lock (_lock)
        {
            AttachCallCount++;
            _calls.Add($"attach {device.Name} -> {domain.Kind}#{domain.Serial}");
        }

        // Compatibility as a real driver decides it: only its own domains.
        if (domain.Driver != this || device.Driver != this)
        {
            return LinuxError.EINVAL;
        }

        if (FailAttach.Contains(device.Name) || FailAttachWhen(device, domain))
        {
            return AttachError;
        }

        lock (_lock)
        {
            _programmed[device] = domain;
        }

        return LinuxError.Success;
    }

    internal LinuxError SetPasid(FakeDomain domain, IommuDevice device, uint pasid)
    {
        Log($"pasid {device.Name}:{pasid} -> {domain.Kind}#{domain.Serial}");
        if (FailSetPasid.Contains(device.Name) && domain.Kind != IommuDomainType.Blocked)
        {
            return LinuxError.ENOMEM;
        }

        lock (_lock)
        {
            if (domain.Kind == IommuDomainType.Blocked)
            {
                _pasids.Remove((device, pasid));
            }
            else
            {
                _pasids[(device, pasid)] = domain;
            }
        }

        return LinuxError.Success;
    }

    internal void Log(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }
}
