namespace VtdEmu.Iommu;

/// <summary>
/// <c>struct iommu_domain</c> (spec-notes/iommu-core.md "Groups, devices and domains"): the core's view of a domain —
/// its type, the driver it came from (<c>owner</c>) and the driver's implementation. Created only by
/// <see cref="IommuCore"/>.
/// </summary>
public sealed class IommuDomain
{
    private const int FreedMarker = -1;
    private int _users;

    internal IommuDomain(IommuCore core, IIommuDriver driver, IIommuDomainOps ops, IommuDomainType type, bool isStatic, bool isCoreOwned)
    {
        Core = core;
        Driver = driver;
        Ops = ops;
        Type = type;
        IsStatic = isStatic;
        IsCoreOwned = isCoreOwned;
        if (type == IommuDomainType.DmaFq)
        {
            FlushQueue = new IommuFlushQueue(ops, IommuFlushQueue.DefaultCapacity);
        }
    }

    /// <summary>The domain type; DMA may become DMA_FQ live through the sysfs type store.</summary>
    public IommuDomainType Type { get; private set; }

    /// <summary>The driver (IOMMU unit) the domain was allocated from.</summary>
    public IIommuDriver Driver { get; }

    /// <summary>The driver's implementation.</summary>
    public IIommuDomainOps Ops { get; }

    /// <summary>Supported leaf sizes (driver-set).</summary>
    public ulong PgsizeBitmap => Ops.PgsizeBitmap;

    /// <summary>The advisory aperture (driver-set).</summary>
    public IommuGeometry Geometry => Ops.Geometry;

    /// <summary>The flush queue of a DMA_FQ domain, else null.</summary>
    public IommuFlushQueue? FlushQueue { get; private set; }

    /// <summary>The parent paging domain of a NESTED domain (held in use while the child lives), else null.</summary>
    public IommuDomain? Parent { get; internal init; }

    /// <summary>True for a driver's static BLOCKED/IDENTITY domain.</summary>
    public bool IsStatic { get; }

    /// <summary>True for domains the core allocated itself (default and blocking domains).</summary>
    public bool IsCoreOwned { get; }

    /// <summary>How many groups and PASIDs currently use this domain.</summary>
    public int Users => Math.Max(Volatile.Read(ref _users), 0);

    /// <summary>True once the domain was freed.</summary>
    public bool IsFreed => Volatile.Read(ref _users) == FreedMarker;

    /// <summary>The core that allocated the domain; objects of another core are refused (EINVAL).</summary>
    internal IommuCore Core { get; }

    /// <summary>Turns a strict DMA domain into DMA_FQ (sysfs "DMA-FQ", spec-notes/iommu-core.md "Default
    /// domain").</summary>
    internal void UpgradeToFlushQueue()
    {
        FlushQueue ??= new IommuFlushQueue(Ops, IommuFlushQueue.DefaultCapacity);
        Type = IommuDomainType.DmaFq;
    }

    internal void ThrowIfFreed()
    {
        if (IsFreed)
        {
            ThrowHelper.ThrowDomainFreed();
        }
    }

    internal void AddUser()
    {
        if (IsStatic)
        {
            return;
        }

        int seen;
        do
        {
            seen = Volatile.Read(ref _users);
            if (seen == FreedMarker)
            {
                ThrowHelper.ThrowDomainFreed();
            }
        }
        while (Interlocked.CompareExchange(ref _users, seen + 1, seen) != seen);
    }

    internal void RemoveUser()
    {
        if (!IsStatic)
        {
            Interlocked.Decrement(ref _users);
        }
    }

    /// <summary>Marks the domain freed if nobody uses it; false when it is still in use.</summary>
    internal bool TryMarkFreed() => IsStatic || Interlocked.CompareExchange(ref _users, FreedMarker, 0) == 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Type} domain ({Ops.GetType().Name})";
}
