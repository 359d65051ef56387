using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu;

/// <summary>
/// A device as the IOMMU core sees it (<c>struct device</c> + <c>dev->iommu</c>, spec-notes/iommu-core.md "Groups,
/// devices and domains"): which unit translates it, its group, the firmware flags, and whether a (host) device driver
/// is bound.
/// </summary>
public sealed class IommuDevice
{
    internal IommuDevice(IommuCore core, PciTopologyNode node, IIommuDriver? driver)
    {
        Core = core;
        Node = node;
        Driver = driver;
        AttachDeferred = node.AttachDeferred && driver is not null;
    }

    /// <summary>The topology node this device came from.</summary>
    public PciTopologyNode Node { get; }

    /// <summary>The device's name.</summary>
    public string Name => Node.Name;

    /// <summary>Bus/device/function.</summary>
    public PciBdf Bdf => Node.Bdf;

    /// <summary>The IOMMU unit's driver (<c>iommu_dev</c>); null when the device is not behind an IOMMU.</summary>
    public IIommuDriver? Driver { get; internal set; }

    /// <summary>The device's group; null when it has no IOMMU or was removed.</summary>
    public IommuGroup? Group { get; internal set; }

    /// <summary><c>require_direct</c>: firmware demands 1:1 mappings; blocking domains are refused.</summary>
    public bool RequireDirect => Node.RequireDirect;

    /// <summary>External-facing device.</summary>
    public bool Untrusted => Node.Untrusted;

    /// <summary>PASIDs the device supports (0 = no PASID).</summary>
    public uint MaxPasids => Node.MaxPasids;

    /// <summary><c>attach_deferred</c>: the default-domain attach waits for the first DMA mapping (kdump).</summary>
    public bool AttachDeferred { get; internal set; }

    /// <summary>Driver-private data (<c>dev->iommu->priv</c>), for the IOMMU driver's own use.</summary>
    public object? DriverData { get; set; }

    /// <summary>True while a device driver is bound (see <see cref="IommuCore.BindDriver"/>).</summary>
    public bool IsDriverBound { get; private set; }

    /// <summary>The bound driver's <c>driver_managed_dma</c> flag (meaningful while bound).</summary>
    public bool BoundDriverManagedDma { get; private set; }

    internal IommuCore Core { get; }

    internal Lock BindLock { get; } = new();

    internal void SetBound(bool bound, bool driverManagedDma)
    {
        IsDriverBound = bound;
        BoundDriverManagedDma = bound && driverManagedDma;
    }

    /// <inheritdoc/>
    public override string ToString() => Node.ToString();
}
