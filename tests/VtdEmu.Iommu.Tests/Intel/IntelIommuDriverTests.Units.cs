using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Intel driver: two remapping units under one core (scenario 28).</summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void Scenario28_DomainOfAnotherUnit_EinvalAndTargetGroupUnchanged()
    {
        // Unit 0 = QEMU (3-level, 2M|1G), unit 1 = QEMU without superpages: the units differ in SLLPS.
        Platform p0 = new(UnitConfiguration.Qemu);
        Platform p1 = new(TestUnits.QemuNoSuperpages);
        RecordingMmio m0 = new(p0.Unit, p0.Memory, 0xF0, RecordingMmio.CompletionMode.PassThrough);
        RecordingMmio m1 = new(p1.Unit, p1.Memory, 0xF0, RecordingMmio.CompletionMode.PassThrough);
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(m0, p0.Memory, IntelRig.DriverPages, null, out IntelIommuDriver? u0));
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(m1, p1.Memory, IntelRig.DriverPages, null, out IntelIommuDriver? u1));
        PciTopology t = new();
        PciTopologyNode a = t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, unit: 0);
        PciTopologyNode b = t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "B", acs: true, unit: 1);
        IommuCore core = new(IommuDmaPolicy.Strict, u0!, u1!);
        core.Probe(t);
        Assert.True(core.TryGetDevice(a, out IommuDevice? devA));
        Assert.True(core.TryGetDevice(b, out IommuDevice? devB));
        Assert.Equal(LinuxError.Success, core.PagingDomainAlloc(devA, IommuAllocFlags.None, out IommuDomain? d));
        IommuGroup g2 = devB.Group!;
        IommuDomain before = g2.Domain!;
        Assert.Equal(LinuxError.Success, core.GroupClaimDmaOwner(g2, new object()));
        m1.Clear();

        Assert.Equal(LinuxError.EINVAL, core.AttachGroup(d!, g2));

        Assert.NotSame(before, g2.Domain);
        Assert.Same(core.GetStaticBlockedDomain(u1!), g2.Domain);
        Assert.Empty(m1.Log);
        Assert.Null(ReferenceDecoder.Context(p1.Memory, u1!.RootTable, devB.Bdf.SourceId));

        // A domain allocated for the device's own unit attaches.
        Assert.Equal(LinuxError.Success, core.PagingDomainAlloc(devB, IommuAllocFlags.None, out IommuDomain? d1));
        Assert.Equal(LinuxError.Success, core.AttachGroup(d1!, g2));
        Assert.Equal(0x1000UL, d1!.PgsizeBitmap);
    }
}
