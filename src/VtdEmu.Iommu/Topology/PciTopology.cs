namespace VtdEmu.Iommu.Topology;

/// <summary>
/// A PCI topology as plain data: root ports, switch ports, PCIe-to-PCI bridges and endpoints in probe order
/// (parents before children). <see cref="IommuCore"/> forms IOMMU groups from it the way Linux's
/// <c>pci_device_group</c> does, unless groups are stated explicitly with <see cref="Group"/>.
/// </summary>
public sealed class PciTopology
{
    private readonly List<PciTopologyNode> _nodes = [];
    private int _nextGroupKey;

    /// <summary>Every node in probe order.</summary>
    public IReadOnlyList<PciTopologyNode> Nodes => _nodes;

    /// <summary>Adds a root port on the root bus.</summary>
    public PciTopologyNode AddRootPort(PciBdf bdf, bool acs = true, int unit = 0, string? name = null) =>
        Add(new PciTopologyNode(this, name ?? bdf.ToString(), bdf, PciNodeKind.RootPort, null) { Acs = acs, Unit = unit });

    /// <summary>Adds a switch downstream port below <paramref name="parent"/>.</summary>
    public PciTopologyNode AddDownstreamPort(PciTopologyNode parent, PciBdf bdf, bool acs = true, string? name = null) =>
        Add(new PciTopologyNode(this, name ?? bdf.ToString(), bdf, PciNodeKind.DownstreamPort, CheckParent(parent))
        {
            Acs = acs,
            Unit = parent.Unit,
        });

    /// <summary>Adds a PCIe-to-PCI bridge below <paramref name="parent"/>.</summary>
    public PciTopologyNode AddPcieToPciBridge(PciTopologyNode parent, PciBdf bdf, string? name = null) =>
        Add(new PciTopologyNode(this, name ?? bdf.ToString(), bdf, PciNodeKind.PcieToPciBridge, CheckParent(parent))
        {
            Unit = parent.Unit,
        });

    /// <summary>
    /// Adds an endpoint below <paramref name="parent"/> (null = root-complex integrated, on unit
    /// <paramref name="unit"/>). The other flags are the <see cref="PciTopologyNode"/> properties of the same name.
    /// </summary>
    public PciTopologyNode AddEndpoint(
        PciTopologyNode? parent,
        PciBdf bdf,
        string? name = null,
        bool acs = false,
        bool untrusted = false,
        bool requireDirect = false,
        bool attachDeferred = false,
        uint maxPasids = 0,
        int unit = 0) =>
        Add(new PciTopologyNode(this, name ?? bdf.ToString(), bdf, PciNodeKind.Endpoint, parent is null ? null : CheckParent(parent))
        {
            Acs = acs,
            Untrusted = untrusted,
            RequireDirect = requireDirect,
            AttachDeferred = attachDeferred,
            MaxPasids = maxPasids,
            Unit = parent?.Unit ?? unit,
        });

    /// <summary>States explicitly that <paramref name="nodes"/> form one group (overrides topology-derived grouping).</summary>
    public void Group(params PciTopologyNode[] nodes)
    {
        ThrowHelper.ThrowIfNull(nodes, nameof(nodes));
        int key = _nextGroupKey++;
        foreach (PciTopologyNode node in nodes)
        {
            CheckParent(node).ExplicitGroup = key;
        }
    }

    private PciTopologyNode Add(PciTopologyNode node)
    {
        _nodes.Add(node);
        return node;
    }

    private PciTopologyNode CheckParent(PciTopologyNode node)
    {
        ThrowHelper.ThrowIfNull(node, nameof(node));
        if (node.Owner != this)
        {
            ThrowHelper.ThrowNodeNotInTopology(nameof(node));
        }

        return node;
    }
}
