using VtdEmu.Memory;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Replay;

/// <summary>What a trace contains: counts, bytes, devices and distinct 4-KiB pages per device.</summary>
internal sealed class TraceSummary
{
    private readonly HashSet<(ushort SourceId, ulong Page)> _pages = [];
    private readonly List<PciBdf> _devices = [];

    public long Accesses { get; private set; }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    public ulong BytesRead { get; private set; }

    public ulong BytesWritten { get; private set; }

    /// <summary>Devices in order of first appearance.</summary>
    public IReadOnlyList<PciBdf> Devices => _devices;

    /// <summary>Distinct (device, 4-KiB IOVA page) pairs touched: the footprint an IOTLB has to cover.</summary>
    public int DistinctPages => _pages.Count;

    public void Add(TraceAccess access)
    {
        Accesses++;
        if (access.Direction == DmaDirection.Read)
        {
            Reads++;
            BytesRead += access.Length;
        }
        else
        {
            Writes++;
            BytesWritten += access.Length;
        }

        ushort sourceId = access.Device.SourceId;
        if (!_devices.Contains(access.Device))
        {
            _devices.Add(access.Device);
        }

        ulong first = access.Iova >> GuestMemory.PageShift;
        ulong end = access.Length == 0 || access.Iova > ulong.MaxValue - (access.Length - 1)
            ? access.Iova
            : access.Iova + (access.Length - 1);
        ulong last = Math.Max(first, end >> GuestMemory.PageShift);
        for (ulong page = first; page <= last; page++)
        {
            _pages.Add((sourceId, page));
        }
    }
}
