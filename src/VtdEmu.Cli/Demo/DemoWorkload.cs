using System.Buffers.Binary;
using VtdEmu.Iommu;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// The demo's platform and workload: two NICs in their own domains receiving packets through a
/// descriptor ring (the same IOVAs, different host pages), and a storage controller moving blocks,
/// which at the end writes its completion into a page mapped read-only — the one deliberate fault.
/// </summary>
internal sealed class DemoWorkload
{
    public const int RingEntries = 16;
    public const int PacketsPerNic = 32;
    public const int PacketLength = 1514;
    public const int BufferSize = 2048;
    public const int StorageBlocks = 8;
    public const int DescriptorSize = 16;

    /// <summary>DMAs the workload issues: per packet a descriptor read, a packet write and a status write-back; per block one transfer each way; one faulting write.</summary>
    public const int ExpectedDmas = (2 * PacketsPerNic * 3) + (2 * StorageBlocks) + 1;

    public const ulong RingIova = 0x10_0000;
    public const ulong BufferIova = 0x20_0000;
    public const ulong CommandIova = 0x4000_0000;
    public const ulong DataIova = 0x4000_1000;

    private const ulong DescriptorDone = 1UL << 32; // DD: written back by the device in the status word

    // Guest RAM the driver owns for its root, context and page tables and its invalidation queue: below every buffer.
    private static readonly MemoryRange s_driverPages = new(0x100_0000, 0x100_0000);

    private readonly List<(DemoDevice Device, ulong RingPhysical, ulong BufferPhysical)> _nics = [];
    private readonly IommuCore _core;
    private readonly Dictionary<ushort, IommuDomain> _domains = [];

    /// <summary>
    /// Boots the platform as Linux does: the Intel driver initialises the unit (queued invalidation when ECAP.QI,
    /// root table, SRTP), the IOMMU core probes the PCI topology (one group and default DMA domain per device;
    /// 01:00.0 sits behind an ACS root port), translation is enabled, then the devices' drivers map their buffers.
    /// </summary>
    public DemoWorkload(UnitConfiguration configuration)
    {
        Platform = new Platform(configuration, interruptSink: null, new MemoryRange(0, 256UL << 20));
        Check(IntelIommuDriver.Create(Platform.Unit, Platform.Memory, s_driverPages, options: null, out IntelIommuDriver? driver), "driver init");
        Driver = driver!;

        var topology = new PciTopology();
        PciTopologyNode nic0 = topology.AddEndpoint(null, new PciBdf(0, 0x19, 0), name: "nic0");
        PciTopologyNode port = topology.AddRootPort(new PciBdf(0, 0x1C, 0));
        PciTopologyNode storage = topology.AddEndpoint(null, new PciBdf(0, 0x1F, 2), name: "storage");
        PciTopologyNode nic1 = topology.AddEndpoint(port, new PciBdf(1, 0, 0), name: "nic1");
        _core = new IommuCore(IommuDmaPolicy.Strict, Driver);
        _core.Probe(topology);
        Check(Driver.EnableTranslation(), "enable translation");

        AddNic(nic0, ringPhysical: 0x200_0000);
        AddNic(nic1, ringPhysical: 0x300_0000);
        Storage = AddDevice(storage, "storage");
        Map(Storage, CommandIova, 0x400_0000, 4096, IommuProt.Read);
        Map(Storage, DataIova, 0x400_1000, StorageBlocks * 4096UL, IommuProt.Read | IommuProt.Write);
    }

    public Platform Platform { get; }

    public IntelIommuDriver Driver { get; }

    public DemoDevice Storage { get; }

    public List<DemoDevice> Devices { get; } = [];

    /// <summary>Packets whose bytes and descriptor status the driver found where it expected them.</summary>
    public int PacketsVerified { get; private set; }

    public int PacketsSent { get; private set; }

    public void Run()
    {
        // Count the workload only: the driver's own invalidations during boot and attach are not part of it.
        Platform.ResetStatistics();
        foreach ((DemoDevice nic, ulong ring, ulong buffers) in _nics)
        {
            Receive(nic, ring, buffers);
        }

        byte[] block = new byte[4096];
        for (int i = 0; i < StorageBlocks; i++)
        {
            block.AsSpan().Fill((byte)(0xB0 + i));
            Storage.Write(DataIova + ((ulong)i * 4096), block);  // disk → memory
            Storage.Read(DataIova + ((ulong)i * 4096), block);   // memory → disk
        }

        // The deliberate fault: completion status written into the command page, which is mapped read-only.
        Storage.Write(CommandIova, new byte[DescriptorSize]);
    }

    private void AddNic(PciTopologyNode node, ulong ringPhysical)
    {
        DemoDevice nic = AddDevice(node, "NIC");
        ulong bufferPhysical = ringPhysical + 0x10_0000;
        Map(nic, RingIova, ringPhysical, 4096, IommuProt.Read | IommuProt.Write);
        Map(nic, BufferIova, bufferPhysical, RingEntries * BufferSize, IommuProt.Read | IommuProt.Write);
        _nics.Add((nic, ringPhysical, bufferPhysical));
        for (int i = 0; i < RingEntries; i++)
        {
            // Descriptor: buffer IOVA, then the status word (length in 15:0, DD in 32) the device writes back.
            Platform.Memory.TryWrite64(ringPhysical + ((ulong)i * DescriptorSize), BufferIova + ((ulong)i * BufferSize));
            Platform.Memory.TryWrite64(ringPhysical + ((ulong)i * DescriptorSize) + 8, 0);
        }
    }

    // The device's DMA domain is the default domain the core gave its group at probe.
    private DemoDevice AddDevice(PciTopologyNode node, string role)
    {
        if (!_core.TryGetDevice(node, out IommuDevice? device) || device.Group?.Domain is not { } domain)
        {
            throw new InvalidOperationException($"demo: {node} has no IOMMU domain after probe");
        }

        var demoDevice = new DemoDevice(Platform, node.Bdf.SourceId, role);
        Devices.Add(demoDevice);
        _domains.Add(node.Bdf.SourceId, domain);
        return demoDevice;
    }

    private void Map(DemoDevice device, ulong iova, ulong physical, ulong size, IommuProt prot) =>
        Check(_core.Map(_domains[device.SourceId], iova, physical, size, prot), $"map 0x{iova:x} for {PciBdf.FromSourceId(device.SourceId)}");

    // The demo's own boot sequence on a known-good unit: a refusal is a bug in the demo or the driver, not guest input.
    private static void Check(LinuxError result, string step)
    {
        if (result != LinuxError.Success)
        {
            throw new InvalidOperationException($"demo: {step} failed with {result}");
        }
    }

    private void Receive(DemoDevice nic, ulong ringPhysical, ulong bufferPhysical)
    {
        byte[] descriptor = new byte[DescriptorSize];
        byte[] packet = new byte[PacketLength];
        for (int n = 0; n < PacketsPerNic; n++)
        {
            int slot = n % RingEntries;
            ulong descriptorIova = RingIova + ((ulong)slot * DescriptorSize);
            PacketsSent++;
            if (!nic.Read(descriptorIova, descriptor))
            {
                continue;
            }

            ulong buffer = BinaryPrimitives.ReadUInt64LittleEndian(descriptor);
            packet.AsSpan().Fill(unchecked((byte)(nic.SourceId + n)));
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor.AsSpan(8), DescriptorDone | PacketLength);
            if (!nic.Write(buffer, packet) || !nic.Write(descriptorIova, descriptor))
            {
                continue;
            }

            // The driver checks the packet landed in the host page its descriptor's IOVA maps to.
            Platform.Memory.TryRead64(ringPhysical + ((ulong)slot * DescriptorSize) + 8, out ulong status);
            byte[] landed = new byte[PacketLength];
            Platform.Memory.TryRead(bufferPhysical + ((ulong)slot * BufferSize), landed);
            if (status == (DescriptorDone | PacketLength) && landed.AsSpan().SequenceEqual(packet))
            {
                PacketsVerified++;
            }

            Platform.Memory.TryWrite64(ringPhysical + ((ulong)slot * DescriptorSize) + 8, 0); // driver re-arms the slot
        }
    }
}
