using VtdEmu.Faults;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>The README's "Prototype your driver logic" example, kept compiling and true.</summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void ReadmeExample_PrototypeYourDriverLogic_Runs()
    {
        // README-BEGIN
        // A platform: 1 GiB of guest RAM and one VT-d unit that looks like QEMU's intel-iommu.
        var platform = new Platform(UnitConfiguration.Qemu);

        // The Intel driver sees only the unit's registers (IMmio) and guest RAM; it owns 16 MiB for its tables.
        LinuxError err = IntelIommuDriver.Create(platform.Unit, platform.Memory, new MemoryRange(0x2000_0000, 0x100_0000), null, out IntelIommuDriver? driver);

        // Linux's IOMMU core over one NIC behind a root port, strict DMA API; boot as Linux does: probe, then TE.
        var topology = new PciTopology();
        PciTopologyNode port = topology.AddRootPort(new PciBdf(0, 0x1C, 0));
        PciTopologyNode nic = topology.AddEndpoint(port, new PciBdf(1, 0, 0), name: "nic");
        var core = new IommuCore(IommuDmaPolicy.Strict, driver!);
        core.Probe(topology);
        driver!.EnableTranslation();

        // The NIC's driver maps a buffer through the DMA API; the NIC writes into it.
        core.TryGetDevice(nic, out IommuDevice? dev);
        IommuDomain dma = dev!.Group!.Domain!;
        core.Map(dma, iova: 0x10_0000, paddr: 0x0300_0000, size: 0x1000, IommuProt.Read | IommuProt.Write);
        PciEndpoint device = platform.AddDevice(dev.Bdf.SourceId);
        DmaResult ok = device.Write(0x10_0000, "hello"u8);        // lands at 0x0300_0000

        // Unmap (strict: the driver invalidates the IOTLB before returning); the next DMA faults.
        core.Unmap(dma, 0x10_0000, 0x1000);
        DmaResult blocked = device.Write(0x10_0000, "again"u8);   // Faulted, FaultReason.WriteDenied (0x05)
        // README-END

        Assert.Equal(LinuxError.Success, err);
        Assert.True(ok.IsCompleted);
        byte[] landed = new byte[5];
        Assert.True(platform.Memory.TryRead(0x0300_0000, landed));
        Assert.Equal("hello"u8.ToArray(), landed);
        Assert.Equal((DmaStatus.Faulted, FaultReason.WriteDenied), (blocked.Status, blocked.Fault));
        Assert.Empty(driver.Diagnostics);
    }

    [Fact]
    public void ReadmeRecipe_SkipUnmapFlush_StaleTranslationStillLands()
    {
        var platform = new Platform(UnitConfiguration.Qemu);
        var options = new IntelDriverOptions { SkipUnmapFlush = true };
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(platform.Unit, platform.Memory, new MemoryRange(0x2000_0000, 0x100_0000), options, out IntelIommuDriver? buggy));
        var topology = new PciTopology();
        PciTopologyNode nic = topology.AddEndpoint(topology.AddRootPort(new PciBdf(0, 0x1C, 0)), new PciBdf(1, 0, 0), name: "nic");
        var core = new IommuCore(IommuDmaPolicy.Strict, buggy!);
        core.Probe(topology);
        buggy!.EnableTranslation();
        core.TryGetDevice(nic, out IommuDevice? dev);
        IommuDomain dma = dev!.Group!.Domain!;
        Assert.Equal(LinuxError.Success, core.Map(dma, iova: 0x10_0000, paddr: 0x0300_0000, size: 0x1000, IommuProt.Read | IommuProt.Write));
        PciEndpoint device = platform.AddDevice(dev.Bdf.SourceId);
        Assert.True(device.Write(0x10_0000, "hello"u8).IsCompleted); // the IOTLB now holds the translation

        Assert.Equal(0x1000UL, core.Unmap(dma, 0x10_0000, 0x1000));
        DmaResult stale = device.Write(0x10_0000, "again"u8);

        Assert.True(stale.IsCompleted);
        byte[] landed = new byte[5];
        Assert.True(platform.Memory.TryRead(0x0300_0000, landed));
        Assert.Equal("again"u8.ToArray(), landed);
    }
}
