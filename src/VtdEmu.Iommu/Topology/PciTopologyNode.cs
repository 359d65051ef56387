namespace VtdEmu.Iommu.Topology;

/// <summary>One PCI function in a <see cref="PciTopology"/>: plain data, filled in by the builder.</summary>
public sealed class PciTopologyNode
{
    internal PciTopologyNode(PciTopology owner, string name, PciBdf bdf, PciNodeKind kind, PciTopologyNode? parent)
    {
        Owner = owner;
        Name = name;
        Bdf = bdf;
        Kind = kind;
        Parent = parent;
    }

    /// <summary>A readable name (defaults to the BDF).</summary>
    public string Name { get; }

    /// <summary>Bus/device/function.</summary>
    public PciBdf Bdf { get; }

    /// <summary>Root port, switch port, PCIe-to-PCI bridge or endpoint.</summary>
    public PciNodeKind Kind { get; }

    /// <summary>The upstream bridge or port, null for devices on the root bus.</summary>
    public PciTopologyNode? Parent { get; }

    /// <summary>ACS with the isolation flags Linux requires (SV, RR, CR, UF) is enabled on this function.</summary>
    public bool Acs { get; init; }

    /// <summary>External-facing (<c>pdev->untrusted</c>): forces a DMA default domain.</summary>
    public bool Untrusted { get; init; }

    /// <summary>Firmware requires a 1:1 mapping (non-relaxable RMRR): never put in a blocking domain.</summary>
    public bool RequireDirect { get; init; }

    /// <summary>The unit booted with translation on (kdump): the default-domain attach is deferred.</summary>
    public bool AttachDeferred { get; init; }

    /// <summary>PASIDs the device supports (0 = none).</summary>
    public uint MaxPasids { get; init; }

    /// <summary>Index of the IOMMU unit (driver) translating this device; -1 = not behind an IOMMU.</summary>
    public int Unit { get; init; }

    /// <summary>Key of an explicitly stated group, or null for groups formed from the topology.</summary>
    public int? ExplicitGroup { get; internal set; }

    internal PciTopology Owner { get; }

    /// <summary>
    /// The requester IDs DMA from this function may carry (Linux <c>pci_for_each_dma_alias</c>): its own BDF, then
    /// for every PCIe-to-PCI bridge on the way up, that bridge's secondary bus with devfn 00.0. A legacy-mode
    /// driver programs one context entry per alias (spec-notes/intel-driver.md "Attach").
    /// </summary>
    public IReadOnlyList<PciBdf> DmaAliases
    {
        get
        {
            List<PciBdf> aliases = [Bdf];
            PciTopologyNode child = this;
            for (PciTopologyNode? p = Parent; p is not null; p = p.Parent)
            {
                if (p.Kind == PciNodeKind.PcieToPciBridge)
                {
                    aliases.Add(new PciBdf(child.Bdf.Bus, 0, 0));
                }

                child = p;
            }

            return aliases;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Bdf})";
}
