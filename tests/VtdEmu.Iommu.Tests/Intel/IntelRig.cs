using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// A platform (guest RAM + one remapping unit), the Intel driver on the unit's MMIO behind a <see cref="RecordingMmio"/>,
/// and an <see cref="IommuCore"/> over a topology, booted as Linux boots: driver init, device probe, then TE.
/// </summary>
internal sealed class IntelRig
{
    /// <summary>The driver owns 16 MiB of RAM at 512 MiB.</summary>
    public static readonly MemoryRange DriverPages = new(0x2000_0000, 0x100_0000);

    private IntelRig(Platform platform, RecordingMmio mmio, IntelIommuDriver driver, IommuCore core, PciTopology topology)
    {
        Platform = platform;
        Mmio = mmio;
        Driver = driver;
        Core = core;
        Topology = topology;
    }

    public Platform Platform { get; }

    public RecordingMmio Mmio { get; }

    public IntelIommuDriver Driver { get; }

    public IommuCore Core { get; }

    public PciTopology Topology { get; }

    public GuestMemory Memory => Platform.Memory;

    public static IntelRig Boot(
        UnitConfiguration configuration,
        PciTopology topology,
        IommuDmaPolicy policy = IommuDmaPolicy.Strict,
        IntelDriverOptions? options = null,
        MemoryRange? driverPages = null,
        IommuAttachPolicy? attachPolicy = null)
    {
        Platform platform = new(configuration);
        ulong iro = ((configuration.ExtendedCapability.Value >> 8) & 0x3FF) * 16;
        RecordingMmio mmio = new(platform.Unit, platform.Memory, iro, RecordingMmio.CompletionMode.PassThrough);
        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(mmio, platform.Memory, driverPages ?? DriverPages, options, out IntelIommuDriver? driver));
        IommuCore core = new(policy, attachPolicy ?? IommuAttachPolicy.Mainline, driver!);
        core.Probe(topology);
        Assert.Equal(LinuxError.Success, driver!.EnableTranslation());
        return new IntelRig(platform, mmio, driver, core, topology);
    }

    /// <summary>Root port 00:1c.0 with ACS and endpoint "A" at 01:00.0 (a singleton group).</summary>
    public static PciTopology Singleton()
    {
        PciTopology t = new();
        PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
        t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
        return t;
    }

    /// <summary>Root-complex integrated endpoints with ACS, "A" (00:01.0), "B" (00:02.0), …: one group each, probed in order.</summary>
    public static PciTopology Endpoints(int count)
    {
        PciTopology t = new();
        for (int i = 0; i < count; i++)
        {
            t.AddEndpoint(null, new PciBdf(0, (byte)(i + 1), 0), name: ((char)('A' + i)).ToString(), acs: true);
        }

        return t;
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

    public IommuDomain Domain(string name) => Dev(name).Group!.Domain!;

    public DecodedContext? Context(PciBdf bdf) => Driver.ScalableMode
        ? ReferenceDecoder.ScalableContext(Memory, Driver.RootTable, bdf.SourceId)
        : ReferenceDecoder.Context(Memory, Driver.RootTable, bdf.SourceId);

    public DecodedLeaf? Walk(PciBdf bdf, ulong iova) =>
        Context(bdf) is { } ctx ? ReferenceDecoder.Walk(Memory, ctx, iova) : null;

    public IommuDomain NewDomain(string device)
    {
        Assert.Equal(LinuxError.Success, Core.PagingDomainAlloc(Dev(device), IommuAllocFlags.None, out IommuDomain? d));
        return d!;
    }

    public PciEndpoint Endpoint(string device) => Platform.AddDevice(Dev(device).Bdf.SourceId);
}
