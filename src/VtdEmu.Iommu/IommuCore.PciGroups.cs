using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu;

/// <summary>Group formation from a PCI topology (Linux <c>pci_device_group</c>; spec-notes/iommu-core.md).</summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// The existing group <paramref name="node"/> must join, or null for a new singleton. Order, as in Linux:
    /// explicit group; the DMA alias (topmost PCIe-to-PCI bridge above the device); walking upstream, every bridge
    /// without ACS joins the device to the bridge's group; functions of a multi-function device without ACS share a
    /// group. Caller holds the topology lock.
    /// </summary>
    private IommuGroup? FindPciGroupLocked(PciTopologyNode node)
    {
        if (node.ExplicitGroup is int key)
        {
            return _explicitGroups.TryGetValue((node.Owner, key), out IommuGroup? explicitGroup) && !explicitGroup.IsEmpty
                ? explicitGroup
                : null;
        }

        // DMA alias: requests from behind a PCIe-to-PCI bridge carry the bridge's requester ID.
        PciTopologyNode current = node;
        for (PciTopologyNode? p = node.Parent; p is not null; p = p.Parent)
        {
            if (p.Kind == PciNodeKind.PcieToPciBridge)
            {
                current = p;
            }
        }

        if (current != node && GroupOfNodeLocked(current) is { } aliasGroup)
        {
            return aliasGroup;
        }

        // Upstream isolation: stop at the first bridge with ACS; a bridge without ACS lets peers reach each other.
        for (PciTopologyNode? p = current.Parent; p is not null; p = p.Parent)
        {
            if (p.Acs)
            {
                break;
            }

            current = p;
            if (GroupOfNodeLocked(p) is { } upstream)
            {
                return upstream;
            }
        }

        // Multi-function device without ACS: functions of one slot may talk to each other.
        if (!current.Acs)
        {
            foreach (KeyValuePair<PciTopologyNode, IommuDevice> entry in _devices)
            {
                PciTopologyNode other = entry.Key;
                if (other != current && other.Owner == current.Owner && other.Parent == current.Parent &&
                    other.Bdf.Bus == current.Bdf.Bus && other.Bdf.Device == current.Bdf.Device && !other.Acs &&
                    other.ExplicitGroup is null && entry.Value.Group is { } sibling)
                {
                    return sibling;
                }
            }
        }

        return null;
    }

    private IommuGroup? GroupOfNodeLocked(PciTopologyNode node) =>
        _devices.TryGetValue(node, out IommuDevice? device) ? device.Group : null;
}
