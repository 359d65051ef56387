using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// Two remapping units on one platform, one Intel driver per unit under one IOMMU core, as Linux runs
/// one intel_iommu instance per DRHD: each device's group and domain live on the unit whose scope
/// covers it, each unit gets its own root table and domain-id space, and a DMA goes through each
/// (spec-notes/dmar.md §4).
/// </summary>
public sealed class MultiUnitPlatformTests
{
    private static readonly PciBdf s_gpu = new(0, 0x02, 0);      // unit 0 lists it
    private static readonly PciBdf s_storage = new(0, 0x1F, 2);  // the include-all unit 1 covers it

    [Fact]
    public void TwoUnits_OneDriverEach_DmaThroughEach()
    {
        var platform = new Platform(
            [
                new UnitDefinition(UnitConfiguration.Broadwell, 0xFED9_0000, UnitScope.Of(s_gpu.SourceId)),
                new UnitDefinition(UnitConfiguration.Broadwell, 0xFED9_1000, UnitScope.All),
            ],
            interruptSink: null,
            new MemoryRange(0, 256UL << 20));
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(platform.Units[0], platform.Memory, new MemoryRange(0x100_0000, 0x80_0000), null, out IntelIommuDriver? driver0));
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(platform.Units[1], platform.Memory, new MemoryRange(0x180_0000, 0x80_0000), null, out IntelIommuDriver? driver1));
        var topology = new PciTopology();
        PciTopologyNode gpuNode = topology.AddEndpoint(null, s_gpu, name: "gpu", unit: platform.UnitIndexFor(s_gpu.SourceId));
        PciTopologyNode storageNode = topology.AddEndpoint(null, s_storage, name: "storage", unit: platform.UnitIndexFor(s_storage.SourceId));
        var core = new IommuCore(IommuDmaPolicy.Strict, driver0!, driver1!);

        core.Probe(topology);
        Assert.Equal(LinuxError.Success, driver0!.EnableTranslation());
        Assert.Equal(LinuxError.Success, driver1!.EnableTranslation());

        Assert.True(core.TryGetDevice(gpuNode, out IommuDevice? gpu));
        Assert.True(core.TryGetDevice(storageNode, out IommuDevice? storage));
        Assert.NotSame(gpu.Group, storage.Group); // groups never span units
        IommuDomain gpuDomain = gpu.Group!.Domain!;
        IommuDomain storageDomain = storage.Group!.Domain!;
        Assert.Equal(LinuxError.Success, core.Map(gpuDomain, 0x10_0000, 0x0400_0000, 0x1000, IommuProt.Read | IommuProt.Write));
        Assert.Equal(LinuxError.Success, core.Map(storageDomain, 0x10_0000, 0x0500_0000, 0x1000, IommuProt.Read | IommuProt.Write));

        // The same IOVA through each unit lands in that unit's mapping.
        Assert.True(platform.AddDevice(s_gpu.SourceId).Write(0x10_0000, [0x61]).IsCompleted);
        Assert.True(platform.AddDevice(s_storage.SourceId).Write(0x10_0000, [0x62]).IsCompleted);
        Assert.True(platform.Memory.TryRead32(0x0400_0000, out uint atGpu));
        Assert.True(platform.Memory.TryRead32(0x0500_0000, out uint atStorage));
        Assert.Equal((0x61u, 0x62u), (atGpu & 0xFF, atStorage & 0xFF));

        // Each driver programmed its own unit: root tables inside its own page range, translation on.
        ulong root0 = platform.Units[0].Read((ulong)VtdRegister.RTADDR, 8) & ~0xFFFUL;
        ulong root1 = platform.Units[1].Read((ulong)VtdRegister.RTADDR, 8) & ~0xFFFUL;
        Assert.InRange(root0, 0x100_0000UL, 0x17F_FFFFUL);
        Assert.InRange(root1, 0x180_0000UL, 0x1FF_FFFFUL);
        Assert.Equal(1, platform.Units[0].Statistics.Translations);
        Assert.Equal(1, platform.Units[1].Statistics.Translations);
    }
}
