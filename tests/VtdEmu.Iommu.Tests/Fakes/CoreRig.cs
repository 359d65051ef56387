using VtdEmu.Iommu;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests.Fakes;

/// <summary>A core over a small topology and one fake driver, with helpers to read group state.</summary>
internal sealed class CoreRig
{
    public CoreRig(PciTopology topology, IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, bool probe = true, IommuAttachPolicy? attachPolicy = null)
    {
        Topology = topology;
        Driver = driver ?? new FakeIommuDriver();
        Core = new IommuCore(policy, attachPolicy ?? IommuAttachPolicy.Mainline, Driver);
        if (probe)
        {
            Core.Probe(topology);
        }
    }

    public PciTopology Topology { get; }

    public FakeIommuDriver Driver { get; }

    public IommuCore Core { get; }

    /// <summary>Root port 00:1c.0 (ACS) with one endpoint "A" at 01:00.0: A is alone in its group.</summary>
    public static CoreRig Singleton(IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, bool requireDirect = false, bool attachDeferred = false, IommuAttachPolicy? attachPolicy = null)
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", requireDirect: requireDirect, attachDeferred: attachDeferred);
        return new CoreRig(t, policy, driver, attachPolicy: attachPolicy);
    }

    /// <summary>Root port with ACS and a two-function device without ACS: group {A, B}.</summary>
    public static CoreRig Pair(IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, uint maxPasids = 0, IommuAttachPolicy? attachPolicy = null)
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", maxPasids: maxPasids);
        t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B", maxPasids: maxPasids);
        return new CoreRig(t, policy, driver, attachPolicy: attachPolicy);
    }

    public IommuDevice Dev(string name)
    {
        foreach (PciTopologyNode node in Topology.Nodes)
        {
            if (node.Name == name && Core.TryGetDevice(node, out IommuDevice? device))
            {
                return device;
            }
        }

        throw new InvalidOperationException($"no device {name}");
    }

    public IommuGroup Group(string name) => Dev(name).Group ?? throw new InvalidOperationException($"{name} has no group");

    public GroupState State(string name) => GroupState.Of(Group(name), Core);

    public IommuDomain NewDomain(string name)
    {
        Assert.Equal(LinuxError.Success, Core.PagingDomainAlloc(Dev(name), IommuAllocFlags.None, out IommuDomain? d));
        return d!;
    }

    /// <summary>Every member programmed with the group's domain (invariant 3, deferred devices excepted).</summary>
    public void AssertProgrammed(IommuGroup group)
    {
        foreach (IommuDevice device in group.Devices)
        {
            if (device.AttachDeferred && group.Domain == group.DefaultDomain)
            {
                continue;
            }

            Assert.Same(group.Domain?.Ops, Driver.ProgrammedDomain(device));
        }
    }
}
