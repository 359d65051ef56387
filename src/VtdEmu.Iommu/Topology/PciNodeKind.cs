namespace VtdEmu.Iommu.Topology;

/// <summary>What a node of a <see cref="PciTopology"/> is; decides how DMA aliases and ACS isolation form groups.</summary>
public enum PciNodeKind
{
    /// <summary>A PCIe root port (or root-complex integrated device when it has children).</summary>
    RootPort,

    /// <summary>A PCIe switch downstream port.</summary>
    DownstreamPort,

    /// <summary>A PCIe-to-PCI(-X) bridge: every device behind it takes the bridge's requester ID as DMA alias.</summary>
    PcieToPciBridge,

    /// <summary>An endpoint function.</summary>
    Endpoint,
}
