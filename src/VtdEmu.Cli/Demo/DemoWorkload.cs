using System.Buffers.Binary;
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

    private const ulong TableArea = 0x100_0000;
    private const ulong DescriptorDone = 1UL << 32; // DD: written back by the device in the status word

    private readonly List<(DemoDevice Device, ulong RingPhysical, ulong BufferPhysical)> _nics = [];

    public DemoWorkload(UnitConfiguration configuration)
    {
        Platform = new Platform(configuration, interruptSink: null, new MemoryRange(0, 256UL << 20));
        var mapper = new HandProgrammedMapper(Platform, TableArea);
        Mapper = mapper;
        AddNic(0x00C8, domainId: 1, ringPhysical: 0x200_0000);   // 00:19.0
        AddNic(0x0100, domainId: 2, ringPhysical: 0x300_0000);   // 01:00.0
        Storage = new DemoDevice(Platform, 0x00FA, "storage");   // 00:1f.2
        Devices.Add(Storage);
        Mapper.Attach(Storage.SourceId, 3);
        Mapper.Map(3, CommandIova, 0x400_0000, 4096, read: true, write: false);
        Mapper.Map(3, DataIova, 0x400_1000, StorageBlocks * 4096UL, read: true, write: true);
        Mapper.Enable();
    }

    public Platform Platform { get; }

    public IDemoMapper Mapper { get; }

    public DemoDevice Storage { get; }

    public List<DemoDevice> Devices { get; } = [];

    /// <summary>Packets whose bytes and descriptor status the driver found where it expected them.</summary>
    public int PacketsVerified { get; private set; }

    public int PacketsSent { get; private set; }

    public void Run()
    {
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

    private void AddNic(ushort sourceId, ushort domainId, ulong ringPhysical)
    {
        var nic = new DemoDevice(Platform, sourceId, $"NIC (domain {domainId})");
        Devices.Add(nic);
        ulong bufferPhysical = ringPhysical + 0x10_0000;
        Mapper.Attach(sourceId, domainId);
        Mapper.Map(domainId, RingIova, ringPhysical, 4096, read: true, write: true);
        Mapper.Map(domainId, BufferIova, bufferPhysical, RingEntries * BufferSize, read: true, write: true);
        _nics.Add((nic, ringPhysical, bufferPhysical));
        for (int i = 0; i < RingEntries; i++)
        {
            // Descriptor: buffer IOVA, then the status word (length in 15:0, DD in 32) the device writes back.
            Platform.Memory.TryWrite64(ringPhysical + ((ulong)i * DescriptorSize), BufferIova + ((ulong)i * BufferSize));
            Platform.Memory.TryWrite64(ringPhysical + ((ulong)i * DescriptorSize) + 8, 0);
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
