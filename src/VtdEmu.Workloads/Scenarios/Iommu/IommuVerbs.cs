using System.Collections.Frozen;
using static VtdEmu.Workloads.Scenarios.Iommu.IommuOperand;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>The command table of the IOMMU-level scenario language (tests/vectors/README.md documents each line).</summary>
public static class IommuVerbs
{
    /// <summary>Every keyword, setup lines first.</summary>
    public static IReadOnlyList<IommuVerb> All { get; } =
    [
        Setup("preset", "NAME", [Preset]),
        Setup("dma-policy", "strict|lazy|passthrough", [DmaPolicy]),
        Setup("driver-option", "skip-unmap-flush", [], "skip-unmap-flush"),
        Setup("root-port", "NAME BDF [acs=0|1]", [NewNode, PciAddress], "acs="),
        Setup("switch-port", "NAME PARENT BDF [acs=0|1]", [NewNode, Node, PciAddress], "acs="),
        Setup("pci-bridge", "NAME PARENT BDF", [NewNode, Node, PciAddress]),
        Setup("device", "NAME BDF [parent=NAME] [acs=0|1] [pasids=N]", [NewNode, PciAddress], "parent=", "acs=", "pasids="),
        Setup("group", "NAME NAME...", [Node, Node]),
        Call("token", "NAME", [NewToken], prints: false),
        Call("bind", "DEV [driver_managed_dma]", [Node], "driver_managed_dma"),
        Call("unbind", "DEV", [Node]),
        Call("claim-group", "DEV TOKEN", [Node, Token]),
        Call("release-group", "DEV", [Node]),
        Call("claim-device", "DEV TOKEN", [Node, Token]),
        Call("release-device", "DEV", [Node]),
        Call("alloc", "NAME paging|identity|blocked DEV [nest-parent]", [NewDomain, DomainType, Node], "nest-parent"),
        Call("alloc-nested", "NAME PARENT DEV FLPTPTR [aw=48|57] [sre] [wpe] [eafe] [pasid]", [NewDomain, Domain, Node, Number], "aw=", "sre", "wpe", "eafe", "pasid"),
        Call("cache-invalidate", "DOM ADDR NPAGES [leaf]", [Domain, Number, Number], "leaf"),
        Call("default-domain", "NAME DEV", [NewDomain, Node]),
        Call("free", "DOM", [Domain]),
        Call("attach", "DOM DEV", [Domain, Node]),
        Call("detach", "DOM DEV", [Domain, Node]),
        Call("attach-group", "DOM DEV", [Domain, Node]),
        Call("detach-group", "DOM DEV", [Domain, Node]),
        Call("replace-group", "DEV DOM|none", [Node, DomainOrNone]),
        Call("attach-pasid", "DOM DEV PASID", [Domain, Node, Pasid]),
        Call("replace-pasid", "DOM DEV PASID", [Domain, Node, Pasid]),
        Call("detach-pasid", "DOM DEV PASID", [Domain, Node, Pasid]),
        Call("map", "DOM IOVA PADDR SIZE r|w|rw", [Domain, Number, Number, Number, Prot]),
        Call("unmap", "DOM IOVA SIZE", [Domain, Number, Number]),
        Call("flush", "DOM", [Domain]),
        Call("dma-read", "DEV IOVA LEN [pasid=N]", [Node, Number, Length], "pasid="),
        Call("dma-write", "DEV IOVA LEN BYTE [pasid=N]", [Node, Number, Length, FillByte], "pasid="),
        Call("mem-read64", "ADDR", [Number]),
        Call("mem-write64", "ADDR VALUE", [Number, Number]),
        Call("group-domain", "DEV", [Node]),
        Call("owner", "DEV", [Node]),
        Call("owner-count", "DEV", [Node]),
        Call("pasid-domain", "DEV PASID", [Node, Pasid]),
        Call("context", "DEV", [Node]),
        Call("invalidations", string.Empty, []),
        Call("warnings", string.Empty, []),
    ];

    private static readonly FrozenDictionary<string, IommuVerb> s_byName = All.ToFrozenDictionary(v => v.Name, StringComparer.Ordinal);

    /// <summary>The keywords as a list for error messages.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(v => v.Name));

    /// <summary>The verb named <paramref name="name"/>, or null.</summary>
    public static IommuVerb? Find(string name) => s_byName.GetValueOrDefault(name);

    private static IommuVerb Setup(string name, string usage, IommuOperand[] operands, params string[] options) =>
        new(name, usage, [.. operands], [.. options], IsSetup: true, PrintsResult: false);

    private static IommuVerb Call(string name, string usage, IommuOperand[] operands, params string[] options) =>
        new(name, usage, [.. operands], [.. options], IsSetup: false, PrintsResult: true);

    private static IommuVerb Call(string name, string usage, IommuOperand[] operands, bool prints) =>
        new(name, usage, [.. operands], [], IsSetup: false, PrintsResult: prints);
}
