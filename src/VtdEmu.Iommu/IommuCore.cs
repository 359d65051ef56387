using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu;

/// <summary>
/// The IOMMU core (Linux <c>drivers/iommu/iommu.c</c>, mainline ≈ v7.0 semantics, spec-notes/iommu-core.md):
/// devices, groups and domains; default-domain selection; the DMA-ownership API; attach/detach/replace;
/// map/unmap. Driver-agnostic: every hardware action goes through <see cref="IIommuDriver"/> /
/// <see cref="IIommuDomainOps"/>. Refusals are <see cref="LinuxError"/> values with state unchanged; kernel WARNs
/// are counted in <see cref="Diagnostics"/>. Calls on one group are serialised by that group's lock; calls on
/// different groups run in parallel.
/// </summary>
public sealed partial class IommuCore
{
    private readonly IIommuDriver[] _units;
    private readonly Dictionary<IIommuDriver, StaticDomains> _staticDomains = [];
    private readonly Lock _topologyLock = new();
    private readonly Dictionary<PciTopologyNode, IommuDevice> _devices = [];
    private readonly Dictionary<(PciTopology Topology, int Key), IommuGroup> _explicitGroups = [];
    private readonly List<IommuGroup> _groups = [];
    private int _nextGroupId;

    /// <summary>
    /// Creates a core with boot policy <paramref name="policy"/> and the mainline attach rules over the given IOMMU
    /// units (index = node Unit).
    /// </summary>
    public IommuCore(IommuDmaPolicy policy, params IIommuDriver[] units)
        : this(policy, IommuAttachPolicy.Mainline, units)
    {
    }

    /// <summary>
    /// Creates a core with boot policy <paramref name="policy"/> and the attach_device/detach_device rules of
    /// <paramref name="attachPolicy"/> over the given IOMMU units (index = node Unit).
    /// </summary>
    public IommuCore(IommuDmaPolicy policy, IommuAttachPolicy attachPolicy, params IIommuDriver[] units)
    {
        ThrowHelper.ThrowIfNull(attachPolicy, nameof(attachPolicy));
        ThrowHelper.ThrowIfNull(units, nameof(units));
        Policy = policy;
        AttachPolicy = attachPolicy;
        _units = [.. units];
        foreach (IIommuDriver unit in _units)
        {
            ThrowHelper.ThrowIfNull(unit, nameof(units));
            if (_staticDomains.ContainsKey(unit))
            {
                continue;
            }

            IommuDomain? blocked = unit.BlockedDomain is { } b ? new IommuDomain(this, unit, b, IommuDomainType.Blocked, isStatic: true, isCoreOwned: true) : null;
            IommuDomain? identity = unit.IdentityDomain is { } i ? new IommuDomain(this, unit, i, IommuDomainType.Identity, isStatic: true, isCoreOwned: true) : null;
            _staticDomains.Add(unit, new StaticDomains(blocked, identity));
        }
    }

    /// <summary>The boot policy (passthrough / strict / lazy).</summary>
    public IommuDmaPolicy Policy { get; }

    /// <summary>The attach_device/detach_device rules (spec-notes/ownership-policies.md).</summary>
    public IommuAttachPolicy AttachPolicy { get; }

    /// <summary>The global default domain type the policy selects (spec-notes/iommu-core.md "Default
    /// domain").</summary>
    public IommuDomainType GlobalDefaultType => Policy switch
    {
        IommuDmaPolicy.Passthrough => IommuDomainType.Identity,
        IommuDmaPolicy.Lazy => IommuDomainType.DmaFq,
        _ => IommuDomainType.Dma,
    };

    /// <summary>Counted WARNs.</summary>
    public IommuDiagnostics Diagnostics { get; } = new();

    /// <summary>The live (non-empty) groups, in creation order.</summary>
    public IReadOnlyList<IommuGroup> Groups
    {
        get
        {
            lock (_topologyLock)
            {
                return [.. _groups];
            }
        }
    }

    /// <summary>The driver's static BLOCKED domain as a core domain, or null.</summary>
    public IommuDomain? GetStaticBlockedDomain(IIommuDriver driver) =>
        _staticDomains.TryGetValue(driver, out StaticDomains s) ? s.Blocked : null;

    /// <summary>The driver's static IDENTITY domain as a core domain, or null.</summary>
    public IommuDomain? GetStaticIdentityDomain(IIommuDriver driver) =>
        _staticDomains.TryGetValue(driver, out StaticDomains s) ? s.Identity : null;

    /// <summary>
    /// Boot-time probe (bus_iommu_probe): adds every node of <paramref name="topology"/> not yet known, then sets up
    /// the default domain of every new group. Per-device probe failures leave that device without an IOMMU.
    /// </summary>
    public void Probe(PciTopology topology)
    {
        ThrowHelper.ThrowIfNull(topology, nameof(topology));
        foreach (PciTopologyNode node in topology.Nodes)
        {
            lock (_topologyLock)
            {
                if (_devices.ContainsKey(node))
                {
                    continue;
                }
            }

            _ = AddDeviceWithoutSetup(node, out _);
        }

        SetupDefaultDomains();
    }

    /// <summary>The device created for <paramref name="node"/>; false when the node was never probed.</summary>
    public bool TryGetDevice(PciTopologyNode node, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IommuDevice? device)
    {
        ThrowHelper.ThrowIfNull(node, nameof(node));
        lock (_topologyLock)
        {
            return _devices.TryGetValue(node, out device);
        }
    }

    /// <summary>
    /// Hot-add (spec-notes/iommu-core.md "Hot-plug"): the device joins its group and is attached to whatever the
    /// group's domain is; the first device of a new group gets the group's default domain set up now.
    /// </summary>
    public LinuxError AddDevice(PciTopologyNode node, out IommuDevice? device)
    {
        LinuxError result = AddDeviceWithoutSetup(node, out device);
        if (result != LinuxError.Success || device?.Group is not { } group)
        {
            return result;
        }

        lock (group.SyncRoot)
        {
            return group.DefaultDomain is null ? SetupDefaultDomainLocked(group, target: null) : LinuxError.Success;
        }
    }

    /// <summary>
    /// Hot-removal (spec-notes/iommu-core.md "Hot-plug"): the driver's release domain (blocked; identity for
    /// require_direct devices) is attached, the driver releases the device, and a group that becomes empty frees its
    /// core domains (WARN if it was still owned or not on its default domain). A device of another core, or one already
    /// removed → ENODEV, nothing changed.
    /// </summary>
    public LinuxError RemoveDevice(IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        lock (_topologyLock)
        {
            if (device.Core != this || !_devices.TryGetValue(device.Node, out IommuDevice? known) || known != device)
            {
                return LinuxError.ENODEV;
            }

            _devices.Remove(device.Node);
            if (device.Group is not { } group || device.Driver is not { } driver)
            {
                return LinuxError.Success;
            }

            lock (group.SyncRoot)
            {
                IommuDomain? release = device.RequireDirect && GetStaticIdentityDomain(driver) is { } id ? id : GetStaticBlockedDomain(driver);
                if (!device.AttachDeferred && release is not null && release != group.Domain)
                {
                    _ = release.Ops.AttachDevice(device, group.Domain);
                }

                driver.ReleaseDevice(device);
                group.DeviceList.Remove(device);
                group.RemoveAttacher(device);
                device.Group = null;
                if (group.DeviceList.Count == 0)
                {
                    EmptyGroupLocked(group);
                }
            }

            return LinuxError.Success;
        }
    }

    internal LinuxError AddDeviceWithoutSetup(PciTopologyNode node, out IommuDevice? device)
    {
        ThrowHelper.ThrowIfNull(node, nameof(node));
        lock (_topologyLock)
        {
            if (_devices.ContainsKey(node))
            {
                device = null;
                return LinuxError.EEXIST;
            }

            IIommuDriver? driver = node.Unit >= 0 && node.Unit < _units.Length ? _units[node.Unit] : null;
            IommuDevice dev = new(this, node, driver);
            _devices.Add(node, dev);
            device = dev;
            if (driver is null)
            {
                return LinuxError.Success;
            }

            LinuxError probe = driver.ProbeDevice(dev);
            if (probe != LinuxError.Success)
            {
                dev.Driver = null;
                dev.AttachDeferred = false;
                return probe;
            }

            IommuGroup group = FindPciGroupLocked(node) ?? NewGroupLocked(node);
            lock (group.SyncRoot)
            {
                if (group.Domain is { } current)
                {
                    LinuxError attach = SetDeviceDomainLocked(group, dev, current, old: null, mustSucceed: false);
                    if (attach != LinuxError.Success)
                    {
                        driver.ReleaseDevice(dev);
                        dev.Driver = null;
                        return attach;
                    }
                }

                group.DeviceList.Add(dev);
                dev.Group = group;
            }

            return LinuxError.Success;
        }
    }

    /// <summary>Second phase of boot probe: default domains for every group that has none yet.</summary>
    internal void SetupDefaultDomains()
    {
        foreach (IommuGroup group in Groups)
        {
            lock (group.SyncRoot)
            {
                if (group.DefaultDomain is null && group.DeviceList.Count != 0)
                {
                    _ = SetupDefaultDomainLocked(group, target: null);
                }
            }
        }
    }

    private void EmptyGroupLocked(IommuGroup group)
    {
        if (group.OwnerCnt != 0 || group.Domain != group.DefaultDomain)
        {
            Diagnostics.Warn(IommuWarning.GroupEmptiedInUse, group);
        }

        SwitchGroupDomainLocked(group, null);
        IommuDomain? def = group.DefaultDomain;
        IommuDomain? blk = group.BlockingDomain;
        group.DefaultDomain = null;
        group.BlockingDomain = null;
        FreeCoreDomain(group, def);
        FreeCoreDomain(group, blk);
        _groups.Remove(group);
    }

    private IommuGroup NewGroupLocked(PciTopologyNode node)
    {
        IommuGroup group = new(this, _nextGroupId++);
        _groups.Add(group);
        if (node.ExplicitGroup is int key)
        {
            _explicitGroups[(node.Owner, key)] = group;
        }

        return group;
    }

    private readonly record struct StaticDomains(IommuDomain? Blocked, IommuDomain? Identity);
}
