using VtdEmu.Iommu;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Ownership;

namespace VtdEmu.Workloads.Tests.Ownership;

/// <summary>
/// One register-invalidation VT-d unit with the Intel driver and an <see cref="IommuCore"/> under a chosen attach
/// policy: group {A, B} (two functions without ACS, 01:00.0 and 01:00.1) and singleton {S} (02:00.0); an
/// <see cref="IsolationChecker"/> probing <see cref="Iova"/>. Runs one-line steps and collects errnos and findings.
/// </summary>
internal sealed class OwnershipRig
{
    public const ulong Iova = 0x10_0000;

    private readonly Dictionary<string, IommuDomain> _domains = [];
    private readonly object _token = new();

    public OwnershipRig(IommuAttachPolicy policy, ushort? forgetSid = null)
    {
        UnitConfiguration config = UnitConfiguration.Qemu with
        {
            Name = "qemu-noqi",
            ExtendedCapability = new ExtendedCapabilityBuilder { QI = false, IR = true, PT = true, IRO = 0x0F, MHMV = 15 }.Build(),
        };
        Platform = new Platform(config);
        Mmio = new ForgetfulMmio(Platform.Unit, forgetSid);
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(Mmio, Platform.Memory, new MemoryRange(0x2000_0000, 0x100_0000), null, out IntelIommuDriver? driver));
        Driver = driver!;
        Topology = new PciTopology();
        PciTopologyNode rp = Topology.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        Topology.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
        Topology.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B");
        PciTopologyNode rp2 = Topology.AddRootPort(new PciBdf(0, 0x1D, 0), acs: true, name: "RP2");
        Topology.AddEndpoint(rp2, new PciBdf(2, 0, 0), name: "S");
        Core = new IommuCore(IommuDmaPolicy.Strict, policy, Driver);
        Core.Probe(Topology);
        Assert.Equal(LinuxError.Success, Driver.EnableTranslation());
        Checker = new IsolationChecker([Iova]);
        Checker.AddCore(Core);
        Checker.AddUnit(Driver, Platform);
    }

    public Platform Platform { get; }

    public ForgetfulMmio Mmio { get; }

    public IntelIommuDriver Driver { get; }

    public PciTopology Topology { get; }

    public IommuCore Core { get; }

    public IsolationChecker Checker { get; }

    /// <summary>Every finding, as "step: Kind device", in step order.</summary>
    public List<string> Findings { get; } = [];

    public IommuDevice Dev(string name) =>
        Core.TryGetDevice(Topology.Nodes.First(n => n.Name == name), out IommuDevice? d) ? d : throw new InvalidOperationException(name);

    /// <summary>
    /// Runs ';'-separated steps (bind X, bindM X, unbind X, claim X, release X, attach D X, detach D X, attachgroup D X,
    /// detachgroup X, map D, forget) and returns the errnos ("0", "-16", ...) space-separated; the checker runs after
    /// each step and its findings go to <see cref="Findings"/>. Domains are allocated on first use for device A.
    /// </summary>
    public string Run(string steps)
    {
        List<string> results = [];
        int index = 0;
        foreach (string step in steps.Split(';', StringSplitOptions.TrimEntries))
        {
            index++;
            string[] w = step.Split(' ');
            LinuxError r = w[0] switch
            {
                "bind" => Core.BindDriver(Dev(w[1]), driverManagedDma: false),
                "bindM" => Core.BindDriver(Dev(w[1]), driverManagedDma: true),
                "unbind" => Done(() => Core.UnbindDriver(Dev(w[1]))),
                "claim" => Core.GroupClaimDmaOwner(Dev(w[1]).Group!, _token),
                "release" => Done(() => Core.GroupReleaseDmaOwner(Dev(w[1]).Group!)),
                "attach" => Core.AttachDevice(Domain(w[1]), Dev(w[2])),
                "detach" => Done(() => Core.DetachDevice(Domain(w[1]), Dev(w[2]))),
                "attachgroup" => Core.AttachGroup(Domain(w[1]), Dev(w[2]).Group!),
                "detachgroup" => Done(() => Core.DetachGroup(null, Dev(w[1]).Group!)),
                "mapdefault" => Core.Map(Dev(w[1]).Group!.DefaultDomain!, Iova, 0x0300_0000, 0x1000, IommuProt.Read | IommuProt.Write),
                "forget" => Done(() => Mmio.Forgetting = true),
                _ => throw new ArgumentException(step),
            };
            results.Add((-(int)r).ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (IsolationViolation v in Checker.Check())
            {
                Findings.Add($"{index}: {v.Kind} {v.Device}".TrimEnd());
            }
        }

        return string.Join(' ', results);
    }

    private static LinuxError Done(Action call)
    {
        call();
        return LinuxError.Success;
    }

    private IommuDomain Domain(string name)
    {
        if (!_domains.TryGetValue(name, out IommuDomain? d))
        {
            Assert.Equal(LinuxError.Success, Core.PagingDomainAlloc(Dev("A"), IommuAllocFlags.None, out d));
            Assert.Equal(LinuxError.Success, Core.Map(d!, Iova, 0x0400_0000 + ((ulong)_domains.Count * 0x1000), 0x1000, IommuProt.Read | IommuProt.Write));
            _domains.Add(name, d!);
        }

        return d!;
    }
}
