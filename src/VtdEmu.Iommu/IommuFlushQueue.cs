namespace VtdEmu.Iommu;

/// <summary>
/// The DMA_FQ flush queue (Linux <c>dma-iommu.c</c> <c>iova_queue</c>; spec-notes/intel-driver.md "Paging domains"):
/// strict IOTLB invalidation is replaced by queueing the unmapped ranges; draining calls the driver's
/// <c>flush_iotlb_all</c> once and releases every queued range. Drains are explicit (<see cref="Drain"/>) or happen
/// when a full queue receives another entry — no timers, so tests are deterministic. Thread-safe.
/// </summary>
public sealed class IommuFlushQueue
{
    /// <summary>The kernel's per-CPU queue size.</summary>
    public const int DefaultCapacity = 256;

    private readonly Lock _lock = new();
    private readonly IIommuDomainOps _ops;
    private readonly List<(ulong Start, ulong End)> _entries = [];
    private long _drains;

    internal IommuFlushQueue(IIommuDomainOps ops, int capacity)
    {
        _ops = ops;
        Capacity = capacity;
    }

    /// <summary>Entries a queue holds before the next enqueue forces a drain.</summary>
    public int Capacity { get; }

    /// <summary>Ranges waiting for the flush.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How many times the queue has been drained (each drain = one <c>flush_iotlb_all</c>).</summary>
    public long DrainCount => Interlocked.Read(ref _drains);

    /// <summary>Flushes the IOTLB if anything is queued and releases the queued ranges. Returns how many were released.</summary>
    public int Drain()
    {
        lock (_lock)
        {
            return DrainLocked();
        }
    }

    internal void Enqueue(in IommuIotlbGather gather)
    {
        if (gather.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            // Like the kernel's ring: a full queue is flushed before the new entry goes in.
            if (_entries.Count >= Capacity)
            {
                DrainLocked();
            }

            _entries.Add((gather.Start, gather.End));
        }
    }

    private int DrainLocked()
    {
        int n = _entries.Count;
        if (n == 0)
        {
            return 0;
        }

        _ops.FlushIotlbAll();
        _entries.Clear();
        Interlocked.Increment(ref _drains);
        return n;
    }
}
