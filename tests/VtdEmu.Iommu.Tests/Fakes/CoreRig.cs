using VtdEmu.Iommu;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Tests.Intel;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests.Fakes;

/// <summary>
/// A core over a small topology and one driver, with helpers to read group state. The driver is the
/// <see cref="FakeIommuDriver"/> (backend "fake"), or the Intel driver on an emulated unit of a preset (backend = the
/// preset's name): the core's ownership rules are the same, and with the Intel driver every "programmed with" check
/// reads what the driver wrote into guest memory (legacy context entry, or the scalable RID_PASID entry).
/// </summary>
internal sealed class CoreRig
{
    /// <summary>The fake driver, the legacy qemu unit, and the Sapphire Rapids unit (scalable, first-level tables).</summary>
    public static readonly string[] BackendNames = ["fake", "qemu", "sapphire-rapids"];

    /// <summary>
    /// Backends that offer set_dev_pasid: the fake driver and scalable units reporting ECAP.PASID, with first-level
    /// (Sapphire Rapids with PASID) and second-level (QEMU's x-pasid-mode) tables. A legacy unit has no PASID tables.
    /// </summary>
    public static readonly string[] PasidBackendNames = ["fake", "sapphire-rapids-pasid", "qemu-sm-pasid"];

    private readonly FakeIommuDriver? _fake;

    public CoreRig(PciTopology topology, IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, bool probe = true, IommuAttachPolicy? attachPolicy = null, string backend = "fake")
    {
        Topology = topology;
        if (backend == "fake")
        {
            _fake = driver ?? new FakeIommuDriver();
            Core = new IommuCore(policy, attachPolicy ?? IommuAttachPolicy.Mainline, _fake);
            if (probe)
            {
                Core.Probe(topology);
            }
        }
        else
        {
            Assert.True(driver is null && probe, "the Intel backend boots as Linux does: probe, then TE");
            Intel = IntelRig.Boot(IntelIommuDriverTests.Unit(backend), topology, policy, attachPolicy: attachPolicy);
            Core = Intel.Core;
        }
    }

    public PciTopology Topology { get; }

    /// <summary>The fake driver (fake backend only).</summary>
    public FakeIommuDriver Driver => _fake ?? throw new InvalidOperationException("this test needs the fake driver");

    /// <summary>The Intel driver's platform (preset backends), else null.</summary>
    public IntelRig? Intel { get; }

    public IommuCore Core { get; }

    /// <summary>The unit's driver, whichever backend.</summary>
    public IIommuDriver UnitDriver => _fake ?? (IIommuDriver)Intel!.Driver;

    /// <summary>
    /// A counter that moves whenever the driver reprograms a device: the fake's attach calls, or the Intel driver's
    /// register traffic (every attach over a present entry tears it down with invalidations).
    /// </summary>
    public int DriverActivity => _fake?.AttachCallCount ?? Intel!.Mmio.Log.Count;

    /// <summary>Root port 00:1c.0 (ACS) with one endpoint "A" at 01:00.0: A is alone in its group.</summary>
    public static CoreRig Singleton(IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, bool requireDirect = false, bool attachDeferred = false, IommuAttachPolicy? attachPolicy = null, string backend = "fake")
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", requireDirect: requireDirect, attachDeferred: attachDeferred);
        return new CoreRig(t, policy, driver, attachPolicy: attachPolicy, backend: backend);
    }

    /// <summary>Root port with ACS and a two-function device without ACS: group {A, B}.</summary>
    public static CoreRig Pair(IommuDmaPolicy policy = IommuDmaPolicy.Strict, FakeIommuDriver? driver = null, uint maxPasids = 0, IommuAttachPolicy? attachPolicy = null, string backend = "fake")
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A", maxPasids: maxPasids);
        t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B", maxPasids: maxPasids);
        return new CoreRig(t, policy, driver, attachPolicy: attachPolicy, backend: backend);
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

            AssertProgrammed(device, group.Domain);
        }
    }

    /// <summary>
    /// <paramref name="pasid"/> of <paramref name="device"/> is programmed with <paramref name="domain"/> (null = not at
    /// all). Intel backend: the PASID-table entry is present and names the paging domain's table and DID
    /// (spec-notes/intel-driver.md "Scalable mode").
    /// </summary>
    public void AssertProgrammedPasid(IommuDevice device, uint pasid, IommuDomain? domain)
    {
        if (_fake is not null)
        {
            Assert.Same(domain?.Ops, _fake.ProgrammedPasid(device, pasid));
            return;
        }

        ulong[]? pe = ReferenceDecoder.ScalableWords(Intel!.Memory, Intel.Driver.RootTable, device.Bdf.SourceId, pasid)?.PasidEntry;
        bool present = pe is not null && (pe[0] & 1) != 0;
        if (domain?.Ops is not IntelPagingDomain paging)
        {
            Assert.False(present, $"PASID {pasid} of {device.Name} is still present");
            return;
        }

        Assert.True(present, $"PASID {pasid} of {device.Name} is not present");
        ulong table = (paging.FirstLevel ? pe![2] : pe![0]) & 0x000F_FFFF_FFFF_F000;
        Assert.Equal((paging.Root, paging.Did), (table, (ushort)(pe[1] & 0xFFFF)));
    }

    /// <summary>
    /// <paramref name="device"/>'s RID is programmed with <paramref name="domain"/>. Intel backend: blocked = no present
    /// entry, identity = pass-through, paging = the domain's table and DID (spec-notes/intel-driver.md "Attach").
    /// </summary>
    public void AssertProgrammed(IommuDevice device, IommuDomain? domain)
    {
        if (_fake is not null)
        {
            Assert.Same(domain?.Ops, _fake.ProgrammedDomain(device));
            return;
        }

        DecodedContext? entry = Intel!.Context(device.Bdf);
        switch (domain?.Ops)
        {
            case IntelPagingDomain paging:
                Assert.NotNull(entry);
                Assert.Equal((paging.Root, paging.Did, paging.FirstLevel), (entry.Value.Slptptr, entry.Value.DomainId, entry.Value.FirstLevel));
                break;
            case IntelIdentityDomain:
                Assert.Equal(2, entry?.TranslationType);
                break;
            default:
                Assert.Null(entry);
                break;
        }
    }
}
