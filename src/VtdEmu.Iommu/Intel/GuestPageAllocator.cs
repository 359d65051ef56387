using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's page allocator: 4 KiB guest-physical pages from the RAM range the driver owns (the model of the
/// kernel's page allocator for IOMMU structures). Pages come back zeroed. Thread-safe.
/// </summary>
internal sealed class GuestPageAllocator
{
    public const ulong PageSize = PageGeometry.PageSize;

    private readonly Lock _lock = new();
    private readonly GuestMemory _memory;
    private readonly Stack<ulong> _free = new();
    private readonly ulong _end;
    private ulong _next;
    private int _inUse;

    public GuestPageAllocator(GuestMemory memory, MemoryRange pages)
    {
        _memory = memory;
        _next = (pages.Base + PageSize - 1) & ~(PageSize - 1);
        _end = pages.End & ~(PageSize - 1);
    }

    /// <summary>Pages currently handed out.</summary>
    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>A zeroed page, or false when the range is exhausted (ENOMEM for the caller).</summary>
    public bool TryAllocate(out ulong page) => TryAllocateContiguous(1, out page);

    /// <summary><paramref name="count"/> physically contiguous zeroed pages (for the invalidation queue).</summary>
    public bool TryAllocateContiguous(int count, out ulong first)
    {
        lock (_lock)
        {
            if (count == 1 && _free.TryPop(out first))
            {
                _inUse++;
                return Zero(first, 1);
            }

            ulong bytes = (ulong)count * PageSize;
            if (_next >= _end || _end - _next < bytes)
            {
                first = 0;
                return false;
            }

            first = _next;
            _next += bytes;
            _inUse += count;
            return Zero(first, count);
        }
    }

    /// <summary>Returns a page for reuse.</summary>
    public void Free(ulong page)
    {
        lock (_lock)
        {
            _free.Push(page);
            _inUse--;
        }
    }

    private bool Zero(ulong first, int count) => _memory.TryFill(first, (ulong)count * PageSize, 0);
}
