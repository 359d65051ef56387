using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using VtdEmu.Invalidation;
using VtdEmu.Iommu;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// A running IOMMU-level scenario: a real <see cref="VtdEmu.Platform"/>, the Intel driver on its unit and an
/// <see cref="IommuCore"/> under one attach policy, built from the scenario's setup lines (topology probed,
/// translation enabled), and the names the calls bind. <see cref="Execute"/> runs one call and reports it.
/// </summary>
public sealed partial class IommuScenarioSession
{
    /// <summary>Guest RAM of every IOMMU-level scenario (64 MiB): buffers anywhere outside the driver's pages.</summary>
    public static readonly MemoryRange Ram = new(0, 64UL << 20);

    /// <summary>The driver's own pages (root, context and page tables, invalidation queue): 16 MiB to 32 MiB.</summary>
    public static readonly MemoryRange DriverPages = new(16UL << 20, 16UL << 20);

    private readonly Dictionary<string, PciTopologyNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IommuDomain?> _domains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SourceLocation Where, string Why)> _domainMissing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OwnerToken> _tokens = new(StringComparer.Ordinal);
    private readonly PciTopology _topology = new();
    private Dictionary<(InvalidationSource, InvalidationRequest), long> _invalidationsSeen = [];
    private int _warningsSeen;

    private IommuScenarioSession(Platform platform, IntelIommuDriver driver, IommuCore core)
    {
        Platform = platform;
        Driver = driver;
        Core = core;
    }

    /// <summary>The platform the calls drive.</summary>
    public Platform Platform { get; }

    /// <summary>The Intel driver on the platform's unit.</summary>
    public IntelIommuDriver Driver { get; }

    /// <summary>The IOMMU core under the chosen attach policy.</summary>
    public IommuCore Core { get; }

    /// <summary>The topology nodes by scenario name.</summary>
    public IReadOnlyDictionary<string, PciTopologyNode> Nodes => _nodes;

    /// <summary>
    /// Builds the platform from <paramref name="scenario"/>'s setup lines and probes the topology under
    /// <paramref name="policy"/>; a driver that cannot initialise the unit is an error, not an exception.
    /// </summary>
    public static bool TryCreate(
        IommuScenario scenario,
        IommuAttachPolicy policy,
        [NotNullWhen(true)] out IommuScenarioSession? session,
        [NotNullWhen(false)] out ScenarioError? error)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policy);
        UnitConfiguration configuration = UnitConfiguration.Qemu;
        IommuDmaPolicy dmaPolicy = IommuDmaPolicy.Strict;
        bool skipUnmapFlush = false;
        foreach (IommuStep step in scenario.Setup)
        {
            switch (step.Verb.Name)
            {
                case "preset":
                    configuration = UnitConfiguration.FindPreset(step.Operands[0].Text)!;
                    break;
                case "dma-policy":
                    dmaPolicy = step.Operands[0].Text switch
                    {
                        "lazy" => IommuDmaPolicy.Lazy,
                        "passthrough" => IommuDmaPolicy.Passthrough,
                        _ => IommuDmaPolicy.Strict,
                    };
                    break;
                case "driver-option":
                    skipUnmapFlush |= step.Options.ContainsKey("skip-unmap-flush");
                    break;
                default:
                    break;
            }
        }

        var platform = new Platform(configuration, interruptSink: null, Ram);
        LinuxError init = IntelIommuDriver.Create(platform.Unit, platform.Memory, DriverPages, new IntelDriverOptions { SkipUnmapFlush = skipUnmapFlush }, out IntelIommuDriver? driver);
        if (init != LinuxError.Success)
        {
            (session, error) = (null, new ScenarioError(new SourceLocation(scenario.File, 0), $"the Intel driver could not initialise the {configuration.Name} unit: {Errno(init)}"));
            return false;
        }

        var s = new IommuScenarioSession(platform, driver!, new IommuCore(dmaPolicy, policy, driver!));
        s.BuildTopology(scenario.Setup);
        s.Core.Probe(s._topology);
        LinuxError enable = s.Driver.EnableTranslation();
        if (enable != LinuxError.Success)
        {
            (session, error) = (null, new ScenarioError(new SourceLocation(scenario.File, 0), $"the Intel driver could not enable translation: {Errno(enable)}"));
            return false;
        }

        s._invalidationsSeen = s.InvalidationCounts();
        s._warningsSeen = s.Core.Diagnostics.Records.Count;
        (session, error) = (s, null);
        return true;
    }

    /// <summary>
    /// Runs one call: its printed result, the group and hardware state after it, and a failure when the call could
    /// not run (a domain whose allocation failed, a freed domain) or its <c>== expected</c> does not hold.
    /// </summary>
    public IommuStepRecord Execute(IommuStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        string? result;
        string? failure = null;
        try
        {
            result = Call(step, out failure);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            // The core's own argument checks (a freed domain, a foreign object it refuses by throwing): a misuse of
            // the API, reported on the line that made it.
            result = null;
            failure = $"{step.Text}: the core refused the call: {e.Message}";
        }

        if (result is not null && step.HasExpectation && !IommuResultMatch.Matches(result, step.Expected))
        {
            failure = $"{step.Text}: expected {string.Join(' ', step.Expected)}, actual {result}";
        }

        return new IommuStepRecord(step, result, DescribeGroups(), DescribeHardware(), failure);
    }

    private string? Call(IommuStep step, out string? failure)
    {
        failure = null;
        ImmutableArray<IommuToken> o = step.Operands;
        switch (step.Verb.Name)
        {
            case "token":
                _tokens[o[0].Text] = new OwnerToken(o[0].Text);
                return null;
            case "bind":
                return Errno(Core.BindDriver(Device(o[0]), step.Options.ContainsKey("driver_managed_dma")));
            case "unbind":
                return Void(() => Core.UnbindDriver(Device(o[0])));
            case "claim-group":
                return WithGroup(o[0], g => Errno(Core.GroupClaimDmaOwner(g, _tokens[o[1].Text])), out failure);
            case "release-group":
                return WithGroup(o[0], g => Void(() => Core.GroupReleaseDmaOwner(g)), out failure);
            case "claim-device":
                return Errno(Core.DeviceClaimDmaOwner(Device(o[0]), _tokens[o[1].Text]));
            case "release-device":
                return Void(() => Core.DeviceReleaseDmaOwner(Device(o[0])));
            case "alloc":
                return Alloc(step, o[0].Text, o[1].Text, Device(o[2]));
            case "alloc-nested":
                return WithDomain(step, o[1], parent => AllocNested(step, o[0].Text, parent, Device(o[2]), Number(o[3])), out failure);
            case "cache-invalidate":
                return WithDomain(step, o[0], d => CacheInvalidate(d, Number(o[1]), Number(o[2]), step.Options.ContainsKey("leaf")), out failure);
            case "default-domain":
                return WithGroup(o[1], g => BindDefault(step, o[0].Text, g), out failure);
            case "free":
                return WithDomain(step, o[0], d => Errno(Core.DomainFree(d)), out failure);
            case "attach":
                return WithDomain(step, o[0], d => Errno(Core.AttachDevice(d, Device(o[1]))), out failure);
            case "detach":
                return WithDomain(step, o[0], d => Void(() => Core.DetachDevice(d, Device(o[1]))), out failure);
            case "attach-group":
                return WithDomain(step, o[0], d => WithGroup(o[1], g => Errno(Core.AttachGroup(d, g)), out _), out failure);
            case "detach-group":
                return WithDomain(step, o[0], d => WithGroup(o[1], g => Void(() => Core.DetachGroup(d, g)), out _), out failure);
            case "replace-group":
                return o[1].Text == "none"
                    ? WithGroup(o[0], g => Errno(Core.GroupReplaceDomain(g, null)), out failure)
                    : WithDomain(step, o[1], d => WithGroup(o[0], g => Errno(Core.GroupReplaceDomain(g, d)), out _), out failure);
            case "attach-pasid":
                return WithDomain(step, o[0], d => Errno(Core.AttachDevicePasid(d, Device(o[1]), Pasid(o[2]))), out failure);
            case "replace-pasid":
                return WithDomain(step, o[0], d => Errno(Core.ReplaceDevicePasid(d, Device(o[1]), Pasid(o[2]), null)), out failure);
            case "detach-pasid":
                return WithDomain(step, o[0], d => Void(() => Core.DetachDevicePasid(d, Device(o[1]), Pasid(o[2]))), out failure);
            case "map":
                return WithDomain(step, o[0], d => Errno(Core.Map(d, Number(o[1]), Number(o[2]), Number(o[3]), Prot(o[4].Text))), out failure);
            case "unmap":
                return WithDomain(step, o[0], d => ScenarioNumber.FormatAddress(Core.Unmap(d, Number(o[1]), Number(o[2]))), out failure);
            case "flush":
                return WithDomain(step, o[0], d => (d.FlushQueue?.Drain() ?? 0).ToString(CultureInfo.InvariantCulture), out failure);
            case "dma-read":
            case "dma-write":
                return Dma(step);
            case "mem-read64":
                return Platform.Memory.TryRead64(Number(o[0]), out ulong value) ? ScenarioNumber.FormatAddress(value) : "not-ram";
            case "mem-write64":
                return Platform.Memory.TryWrite64(Number(o[0]), Number(o[1])) ? "ok" : "not-ram";
            case "group-domain":
                return Device(o[0]).Group is { } group ? DomainName(group, group.Domain) : "no-group";
            case "owner":
                return Device(o[0]).Group?.Owner is OwnerToken owner ? owner.Name : "none";
            case "owner-count":
                return (Device(o[0]).Group?.OwnerCnt ?? 0).ToString(CultureInfo.InvariantCulture);
            case "pasid-domain":
                return Device(o[0]).Group is { } g2 ? DomainName(g2, g2.GetPasidDomain(Pasid(o[1]))) : "no-group";
            case "context":
                return ContextEntry(_nodes[o[0].Text]);
            case "invalidations":
                return InvalidationsSinceLastCheck();
            default:
                return WarningsSinceLastCheck();
        }
    }

    private IommuDevice Device(IommuToken name) =>
        Core.TryGetDevice(_nodes[name.Text], out IommuDevice? device) ? device : throw new InvalidOperationException($"'{name.Text}' was not probed");

    private string? WithGroup(IommuToken name, Func<IommuGroup, string> call, out string? failure)
    {
        failure = null;
        if (Device(name).Group is { } group)
        {
            return call(group);
        }

        failure = $"'{name.Text}' is in no group (not behind the IOMMU)";
        return null;
    }

    private string? WithDomain(IommuStep step, IommuToken name, Func<IommuDomain, string?> call, out string? failure)
    {
        failure = null;
        if (_domains.GetValueOrDefault(name.Text) is { IsFreed: false } domain)
        {
            return call(domain);
        }

        failure = _domainMissing.TryGetValue(name.Text, out (SourceLocation Where, string Why) missing)
            ? $"{step.Text}: domain '{name.Text}' does not exist: {missing.Why} at {missing.Where}"
            : $"{step.Text}: domain '{name.Text}' was freed";
        return null;
    }

    private string Alloc(IommuStep step, string name, string type, IommuDevice device)
    {
        LinuxError result = LinuxError.Success;
        IommuDomain? domain = null;
        if (type == "paging")
        {
            IommuAllocFlags flags = step.Options.ContainsKey("nest-parent") ? IommuAllocFlags.NestParent : IommuAllocFlags.None;
            result = Core.PagingDomainAlloc(device, flags, out domain);
        }
        else if (device.Driver is { } driver)
        {
            domain = type == "identity" ? Core.GetStaticIdentityDomain(driver) : Core.GetStaticBlockedDomain(driver);
            result = domain is null ? LinuxError.EOPNOTSUPP : LinuxError.Success;
        }
        else
        {
            result = LinuxError.ENODEV;
        }

        _domains[name] = domain;
        if (domain is null)
        {
            _domainMissing[name] = (step.Location, $"its alloc returned {Errno(result)}");
        }

        return Errno(result);
    }

    /// <summary>
    /// A nested domain on <paramref name="parent"/> whose first level is the guest's table at <paramref name="flptptr"/>
    /// (guest-physical, translated by the parent): iommufd's IOMMU_HWPT_ALLOC with VTD_S1 data
    /// (spec-notes/nested-domains.md).
    /// </summary>
    private string AllocNested(IommuStep step, string name, IommuDomain parent, IommuDevice device, ulong flptptr)
    {
        IommuVtdS1Flags s1 = (step.Options.ContainsKey("sre") ? IommuVtdS1Flags.SRE : 0)
            | (step.Options.ContainsKey("wpe") ? IommuVtdS1Flags.WPE : 0)
            | (step.Options.ContainsKey("eafe") ? IommuVtdS1Flags.EAFE : 0);
        uint width = step.Option("aw") is { } aw && ScenarioNumber.TryParse(aw, out ulong w) ? (uint)w : IommuHwptVtdS1.AddrWidth4Level;
        IommuAllocFlags flags = step.Options.ContainsKey("pasid") ? IommuAllocFlags.Pasid : IommuAllocFlags.None;
        LinuxError result = Core.DomainAllocNested(device, parent, flags, new IommuHwptVtdS1(s1, flptptr, width), out IommuDomain? domain);
        _domains[name] = domain;
        if (domain is null)
        {
            _domainMissing[name] = (step.Location, $"its alloc-nested returned {Errno(result)}");
        }

        return Errno(result);
    }

    /// <summary>One user-side invalidation of a nested domain (IOMMU_HWPT_INVALIDATE, one VTD_S1 entry).</summary>
    private string CacheInvalidate(IommuDomain domain, ulong addr, ulong npages, bool leaf) =>
        Errno(Core.HwptInvalidate(domain, [new IommuHwptVtdS1Invalidate(addr, npages, leaf ? IommuVtdInvalidateFlags.Leaf : IommuVtdInvalidateFlags.None)], out _));

    private string BindDefault(IommuStep step, string name, IommuGroup group)
    {
        _domains[name] = group.DefaultDomain;
        if (group.DefaultDomain is null)
        {
            _domainMissing[name] = (step.Location, $"{group} has no default domain");
            return "none";
        }

        return TypeName(group.DefaultDomain.Type);
    }

    private string Dma(IommuStep step)
    {
        PciTopologyNode node = _nodes[step.Operands[0].Text];
        ulong iova = Number(step.Operands[1]);
        byte[] buffer = new byte[Number(step.Operands[2])];
        uint? pasid = step.Option("pasid") is { } p && ScenarioNumber.TryParse(p, out ulong v) ? (uint)v : null;

        // The requester ID on the wire: behind a PCIe-to-PCI bridge it is the bridge's alias (§ DMA aliases).
        PciEndpoint endpoint = Platform.AddDevice(node.DmaAliases[^1].SourceId);
        DmaResult dma;
        if (step.Verb.Name == "dma-read")
        {
            dma = endpoint.Read(iova, buffer, pasid);
        }
        else
        {
            buffer.AsSpan().Fill((byte)Number(step.Operands[3]));
            dma = endpoint.Write(iova, buffer, pasid);
        }

        return PlatformScenarioTarget.ToOutcome(dma).ToString();
    }

    private string Void(Action call)
    {
        int before = Core.Diagnostics.Records.Count;
        call();
        IReadOnlyList<IommuWarningRecord> records = Core.Diagnostics.Records;
        return records.Count == before ? "void" : "WARN " + string.Join(',', records.Skip(before).Select(r => r.Warning));
    }

    private void BuildTopology(ImmutableArray<IommuStep> setup)
    {
        foreach (IommuStep step in setup)
        {
            ImmutableArray<IommuToken> o = step.Operands;
            bool acs = step.Option("acs") is not "0";
            switch (step.Verb.Name)
            {
                case "root-port":
                    _nodes[o[0].Text] = _topology.AddRootPort(ToPci(o[1]), acs, name: o[0].Text);
                    break;
                case "switch-port":
                    _nodes[o[0].Text] = _topology.AddDownstreamPort(_nodes[o[1].Text], ToPci(o[2]), acs, name: o[0].Text);
                    break;
                case "pci-bridge":
                    _nodes[o[0].Text] = _topology.AddPcieToPciBridge(_nodes[o[1].Text], ToPci(o[2]), name: o[0].Text);
                    break;
                case "device":
                    PciTopologyNode? parent = step.Option("parent") is { } p ? _nodes[p] : null;
                    uint pasids = step.Option("pasids") is { } n && ScenarioNumber.TryParse(n, out ulong count) ? (uint)count : 0;
                    _nodes[o[0].Text] = _topology.AddEndpoint(parent, ToPci(o[1]), o[0].Text, acs: step.Option("acs") is "1", maxPasids: pasids);
                    break;
                case "group":
                    _topology.Group([.. o.Select(t => _nodes[t.Text])]);
                    break;
                default:
                    break;
            }
        }
    }

    private static PciBdf ToPci(IommuToken token)
    {
        _ = PciBdf.TryParse(token.Text, out PciBdf bdf);
        return bdf;
    }

    private static ulong Number(IommuToken token) => ScenarioNumber.TryParse(token.Text, out ulong value) ? value : 0;

    private static uint Pasid(IommuToken token) => (uint)Number(token);

    private static IommuProt Prot(string text) => text switch
    {
        "r" => IommuProt.Read,
        "w" => IommuProt.Write,
        _ => IommuProt.Read | IommuProt.Write,
    };

    /// <summary>A LinuxError as a call prints it: <c>0</c> or <c>-ENAME</c>.</summary>
    public static string Errno(LinuxError error) => error == LinuxError.Success ? "0" : "-" + error;

    private static string TypeName(IommuDomainType type) => type switch
    {
        IommuDomainType.DmaFq => "dma-fq",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>A domain as state lines print it: its scenario name, else default/blocking of the group, else its type.</summary>
    private string DomainName(IommuGroup group, IommuDomain? domain)
    {
        if (domain is null)
        {
            return "none";
        }

        foreach ((string name, IommuDomain? d) in _domains)
        {
            if (ReferenceEquals(d, domain))
            {
                return name;
            }
        }

        return ReferenceEquals(domain, group.DefaultDomain) ? "default"
            : ReferenceEquals(domain, group.BlockingDomain) ? "blocking"
            : TypeName(domain.Type);
    }

    /// <summary>Every group in id order: devices, current domain, owner and counts.</summary>
    public string DescribeGroups()
    {
        var text = new StringBuilder();
        foreach (IommuGroup group in Core.Groups.OrderBy(g => g.Id))
        {
            string owner = group.Owner is OwnerToken token ? token.Name : group.Owner is null ? "none" : "anonymous";
            text.Append(CultureInfo.InvariantCulture, $"group {group.Id} [{string.Join(',', group.Devices.Select(d => d.Name))}]: domain={DomainName(group, group.Domain)} owner={owner} owner_cnt={group.OwnerCnt} attach_cnt={group.AttachCnt}; ");
        }

        return text.ToString().TrimEnd(' ', ';');
    }

    /// <summary>Every endpoint's context entry (per DMA alias) as read through guest RAM.</summary>
    public string DescribeHardware()
    {
        var text = new StringBuilder();
        foreach (PciTopologyNode node in _topology.Nodes.Where(n => n.Kind == PciNodeKind.Endpoint))
        {
            text.Append(CultureInfo.InvariantCulture, $"{node.Name}: {ContextEntry(node)}; ");
        }

        return text.ToString().TrimEnd(' ', ';');
    }

    private sealed record OwnerToken(string Name);
}
