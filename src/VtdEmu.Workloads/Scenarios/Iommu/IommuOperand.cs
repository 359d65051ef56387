namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>What one positional operand of an IOMMU-level scenario line must be.</summary>
public enum IommuOperand
{
    /// <summary>A new topology name (device, bridge or port), defined by this line.</summary>
    NewNode,

    /// <summary>A topology name defined on an earlier line.</summary>
    Node,

    /// <summary>A new domain name, defined by this line.</summary>
    NewDomain,

    /// <summary>A domain name defined on an earlier line.</summary>
    Domain,

    /// <summary>A domain name defined on an earlier line, or <c>none</c>.</summary>
    DomainOrNone,

    /// <summary>A new owner-token name, defined by this line.</summary>
    NewToken,

    /// <summary>An owner-token name defined on an earlier line.</summary>
    Token,

    /// <summary>A PCI address <c>BB:DD.F</c>.</summary>
    PciAddress,

    /// <summary>A 64-bit number (address or size).</summary>
    Number,

    /// <summary>A DMA length, 0 to 1 MiB.</summary>
    Length,

    /// <summary>A byte value.</summary>
    FillByte,

    /// <summary>A PASID, 0 to 2^20 − 1.</summary>
    Pasid,

    /// <summary>Access rights: <c>r</c>, <c>w</c> or <c>rw</c>.</summary>
    Prot,

    /// <summary>A domain type: <c>paging</c>, <c>identity</c> or <c>blocked</c>.</summary>
    DomainType,

    /// <summary>The default-domain policy: <c>strict</c>, <c>lazy</c> or <c>passthrough</c>.</summary>
    DmaPolicy,

    /// <summary>A unit preset name.</summary>
    Preset,
}
