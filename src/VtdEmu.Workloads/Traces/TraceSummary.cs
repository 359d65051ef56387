using VtdEmu.Memory;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Traces;

/// <summary>
/// What a trace contains: counts, bytes, devices and distinct 4-KiB pages per device. Memory is
/// bounded whatever the trace: pages are counted exactly up to <see cref="MaxTrackedPages"/>.
/// </summary>
public sealed class TraceSummary
{
    /// <summary>Distinct pages counted exactly; beyond this <see cref="PagesCapped"/> is set and counting stops (about 40 MB of set).</summary>
    public const int MaxTrackedPages = 1 << 20;

    // A direct-mapped memo of keys already in _pages, in front of the hash set: a trace that keeps
    // returning to a working set (the common case) adds each access with one array compare instead of
    // a hash-set probe. Only keys present in _pages are ever stored, so it never changes the result.
    private const int RecentSlots = 4096;

    private readonly HashSet<(ushort SourceId, ulong Page)> _pages = [];
    private readonly (ushort SourceId, ulong Page)[] _recent = CreateRecent();
    private readonly bool[] _seen = new bool[ushort.MaxValue + 1];
    private readonly List<PciBdf> _devices = [];
    private (ushort SourceId, ulong Page) _last = (0, ulong.MaxValue);

    /// <summary>Accesses added.</summary>
    public long Accesses { get; private set; }

    /// <summary>Accesses that read (DMA to the device).</summary>
    public long Reads { get; private set; }

    /// <summary>Accesses that write (DMA from the device).</summary>
    public long Writes { get; private set; }

    /// <summary>Bytes of all reads.</summary>
    public ulong BytesRead { get; private set; }

    /// <summary>Bytes of all writes.</summary>
    public ulong BytesWritten { get; private set; }

    /// <summary>Devices in order of first appearance.</summary>
    public IReadOnlyList<PciBdf> Devices => _devices;

    /// <summary>Distinct (device, 4-KiB IOVA page) pairs touched: the footprint an IOTLB has to cover (a lower bound when <see cref="PagesCapped"/>).</summary>
    public int DistinctPages => _pages.Count;

    /// <summary>
    /// The distinct 4-KiB pages touched, of any device, as sorted runs of consecutive pages (IOVA, length in bytes):
    /// what the default setup maps.
    /// </summary>
    public IEnumerable<(ulong Iova, ulong Length)> PageRuns()
    {
        ulong[] pages = [.. _pages.Select(p => p.Page).Distinct().Order()];
        for (int i = 0; i < pages.Length;)
        {
            int j = i + 1;
            while (j < pages.Length && pages[j] == pages[j - 1] + 1)
            {
                j++;
            }

            yield return (pages[i] << GuestMemory.PageShift, (ulong)(j - i) << GuestMemory.PageShift);
            i = j;
        }
    }

    /// <summary>True when the trace touches more than <see cref="MaxTrackedPages"/> pages and <see cref="DistinctPages"/> stopped counting.</summary>
    public bool PagesCapped { get; private set; }

    /// <summary>Adds a batch of accesses, in order.</summary>
    public void Add(ReadOnlySpan<TraceAccess> accesses)
    {
        foreach (TraceAccess access in accesses)
        {
            Add(access);
        }
    }

    /// <summary>Adds one access.</summary>
    public void Add(in TraceAccess access)
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
        if (!_seen[sourceId])
        {
            _seen[sourceId] = true;
            _devices.Add(access.Device);
        }

        ulong first = access.Iova >> GuestMemory.PageShift;
        ulong end = access.Length == 0 || access.Iova > ulong.MaxValue - (access.Length - 1)
            ? access.Iova
            : access.Iova + (access.Length - 1);
        ulong last = Math.Max(first, end >> GuestMemory.PageShift);
        if (first == last && _last == (sourceId, first))
        {
            return;
        }

        for (ulong page = first; page <= last && !PagesCapped; page++)
        {
            ref (ushort SourceId, ulong Page) recent = ref _recent[RecentSlot(sourceId, page)];
            if (recent == (sourceId, page))
            {
                continue;
            }

            if (_pages.Count == MaxTrackedPages)
            {
                PagesCapped = !_pages.Contains((sourceId, page));
                continue;
            }

            _pages.Add((sourceId, page));
            recent = (sourceId, page);
        }

        _last = (sourceId, last);
    }

    // A multiplicative hash of the key to its slot (the top 12 bits of the product).
    private static int RecentSlot(ushort sourceId, ulong page) =>
        (int)(unchecked((page ^ (page >> 12) ^ ((ulong)sourceId << 7)) * 0x9E37_79B9_7F4A_7C15UL) >> 52);

    // Every slot starts as a key no access produces (pages are IOVA >> 12, below 2^52).
    private static (ushort SourceId, ulong Page)[] CreateRecent()
    {
        var recent = new (ushort SourceId, ulong Page)[RecentSlots];
        recent.AsSpan().Fill((0, ulong.MaxValue));
        return recent;
    }
}
