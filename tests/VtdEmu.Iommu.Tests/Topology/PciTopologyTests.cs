using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests.Topology;

/// <summary>Group formation from a topology (Linux <c>pci_device_group</c>).</summary>
public sealed class PciTopologyTests
{
    [Fact]
    public void Probe_DevicesBehindPcieToPciBridge_ShareBridgeGroup()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        PciTopologyNode br = t.AddPcieToPciBridge(rp, new PciBdf(1, 0, 0), name: "BR");
        t.AddEndpoint(br, new PciBdf(2, 1, 0), name: "X", acs: true);
        t.AddEndpoint(br, new PciBdf(2, 2, 0), name: "Y", acs: true);
        CoreRig rig = new(t);
        Assert.Same(rig.Group("BR"), rig.Group("X"));
        Assert.Same(rig.Group("BR"), rig.Group("Y"));
        Assert.NotSame(rig.Group("RP"), rig.Group("X"));
        Assert.Equal(["BR", "X", "Y"], rig.Group("X").Devices.Select(d => d.Name));
    }

    [Fact]
    public void Probe_MultiFunctionWithoutAcs_SharesGroup_WithAcsSingletons()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "F0");
        t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "F1");
        PciTopologyNode rp2 = t.AddRootPort(new PciBdf(0, 0x1C, 1), acs: true, name: "RP2");
        t.AddEndpoint(rp2, new PciBdf(2, 0, 0), name: "G0", acs: true);
        t.AddEndpoint(rp2, new PciBdf(2, 0, 1), name: "G1", acs: true);
        CoreRig rig = new(t);
        Assert.Same(rig.Group("F0"), rig.Group("F1"));
        Assert.NotSame(rig.Group("G0"), rig.Group("G1"));
        Assert.NotSame(rig.Group("RP"), rig.Group("RP2"));
    }

    [Fact]
    public void Probe_PortWithoutAcs_DownstreamJoinsPortGroup()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        PciTopologyNode dp1 = t.AddDownstreamPort(rp, new PciBdf(2, 1, 0), acs: false, name: "DP1");
        PciTopologyNode dp2 = t.AddDownstreamPort(rp, new PciBdf(2, 2, 0), acs: true, name: "DP2");
        t.AddEndpoint(dp1, new PciBdf(3, 0, 0), name: "E1");
        t.AddEndpoint(dp2, new PciBdf(4, 0, 0), name: "E2");
        CoreRig rig = new(t);
        Assert.Same(rig.Group("DP1"), rig.Group("E1"));
        Assert.NotSame(rig.Group("DP2"), rig.Group("E2"));
        Assert.Single(rig.Group("E2").Devices);
    }

    [Fact]
    public void Probe_ExplicitGroup_OverridesTopology()
    {
        PciTopology t = new();
        PciTopologyNode a = t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A", acs: true);
        PciTopologyNode b = t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "B", acs: true);
        PciTopologyNode c = t.AddEndpoint(null, new PciBdf(0, 4, 0), name: "C", acs: true);
        t.Group(a, c);
        CoreRig rig = new(t);
        Assert.Same(rig.Group("A"), rig.Group("C"));
        Assert.NotSame(rig.Group("A"), rig.Group("B"));
        Assert.Equal(2, rig.Core.Groups.Count);
    }

    [Fact]
    public void Probe_ProbeFailure_DeviceHasNoIommu()
    {
        FakeIommuDriver driver = new();
        driver.FailProbe.Add("A");
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A");
        CoreRig rig = new(t, driver: driver);
        Assert.Null(rig.Dev("A").Group);
        Assert.Null(rig.Dev("A").Driver);
    }

    [Fact]
    public void Group_NodeFromAnotherTopology_Throws()
    {
        PciTopology t1 = new();
        PciTopology t2 = new();
        PciTopologyNode other = t2.AddEndpoint(null, new PciBdf(0, 2, 0));
        Assert.Throws<ArgumentException>(() => t1.Group(other));
        Assert.Throws<ArgumentNullException>(() => t1.AddDownstreamPort(null!, new PciBdf(0, 1, 0)));
    }

    [Fact]
    public void DmaAliases_BehindNestedBridges_OwnThenEachSecondaryBus()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0));
        PciTopologyNode br1 = t.AddPcieToPciBridge(rp, new PciBdf(1, 0, 0));
        PciTopologyNode br2 = t.AddPcieToPciBridge(br1, new PciBdf(2, 4, 0));
        PciTopologyNode e = t.AddEndpoint(br2, new PciBdf(3, 1, 2));
        PciTopologyNode direct = t.AddEndpoint(rp, new PciBdf(1, 1, 0));
        Assert.Equal([new PciBdf(3, 1, 2), new PciBdf(3, 0, 0), new PciBdf(2, 0, 0)], e.DmaAliases);
        Assert.Equal([new PciBdf(1, 1, 0)], direct.DmaAliases);
    }

    [Fact]
    public void Bdf_Rid_PacksBusDeviceFunction()
    {
        Assert.Equal(0x01A3, new PciBdf(0x01, 0x14, 0x3).SourceId);
        Assert.Equal("01:14.3", new PciBdf(0x01, 0x14, 0x3).ToString());
    }
}
