namespace VtdEmu.Memory;

/// <summary>
/// The host memory behind guest RAM: what has been reserved, the limit, and walks over a frame range
/// that skip absent tables, so a range as large as the address space costs time only for what exists
/// (spec-notes/memory.md).
/// </summary>
public sealed partial class GuestMemory
{
    /// <summary>The default <see cref="BackingLimit"/>: 4 GiB of host memory.</summary>
    public const long DefaultBackingLimit = 4L << 30;

    private const long MiddleTableBytes = (1L << MiddleBits) * sizeof(ulong);
    private const long LeafTableBytes = (1L << LeafBits) * sizeof(ulong);
    private const ulong LeafFrameMask = (1UL << LeafBits) - 1;
    private const ulong MiddleFrameMask = (1UL << (LeafBits + MiddleBits)) - 1;

    /// <summary>
    /// The most host memory, in bytes, that written frames and the tables that index them may take.
    /// A write or non-zero fill that would need more fails (nothing written); reads and zero fills never
    /// reserve anything. Lowering it below <see cref="BackedBytes"/> frees nothing; it only stops growth.
    /// </summary>
    public long BackingLimit
    {
        get => Volatile.Read(ref _backingLimit);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _backingLimit, value);
        }
    }

    /// <summary>Host memory, in bytes, reserved for written frames and their index tables.</summary>
    public long BackedBytes => Interlocked.Read(ref _backedBytes);

    /// <summary>
    /// Host bytes a write of <c>[address, address + length)</c> would reserve, counting only what is
    /// not there yet; the walk stops as soon as the count passes <paramref name="stopAbove"/>.
    /// <paramref name="length"/> is at least 1 and the range is RAM (so below 2^52).
    /// </summary>
    internal long BytesToBack(ulong address, ulong length, long stopAbove)
    {
        ulong frame = address >> PageShift;
        ulong last = (address + length - 1) >> PageShift;
        long need = 0;
        while (true)
        {
            ulong end;
            byte[]?[]?[]? middle = _root[(int)(frame >> (LeafBits + MiddleBits))];
            if (middle is null)
            {
                end = Math.Min(last, frame | MiddleFrameMask);
                long leaves = (long)((end >> LeafBits) - (frame >> LeafBits)) + 1;
                need += MiddleTableBytes + (leaves * LeafTableBytes) + ((long)(end - frame + 1) * PageSize);
            }
            else
            {
                end = Math.Min(last, frame | LeafFrameMask);
                byte[]?[]? leaf = middle[(int)((frame >> LeafBits) & ((1 << MiddleBits) - 1))];
                if (leaf is null)
                {
                    need += LeafTableBytes + ((long)(end - frame + 1) * PageSize);
                }
                else
                {
                    for (ulong f = frame; f <= end; f++)
                    {
                        need += leaf[(int)(f & LeafFrameMask)] is null ? PageSize : 0;
                    }
                }
            }

            if (need > stopAbove || end == last)
            {
                return need;
            }

            frame = end + 1;
        }
    }

    // True when writing [address, address + length) fits in what is left of the limit. A quick bound
    // first: every frame of the range that is not already backed costs a page, whatever the tables cost.
    private bool CanBack(ulong address, ulong length)
    {
        long left = BackingLimit - BackedBytes;
        ulong frames = ((address + length - 1) >> PageShift) - (address >> PageShift) + 1;
        ulong backed = (ulong)FramesAllocated;
        if (left < 0 || (frames > backed && frames - backed > (ulong)(left / PageSize)))
        {
            return false;
        }

        return BytesToBack(address, length, left) <= left;
    }

    // Zeroes the part of [address, address + length) that lies in frames holding memory; skips the rest.
    private void ClearBackedFrames(ulong address, ulong length)
    {
        ulong endAddress = address + length;
        ulong frame = address >> PageShift;
        ulong last = (endAddress - 1) >> PageShift;
        while (true)
        {
            ulong end;
            byte[]?[]?[]? middle = _root[(int)(frame >> (LeafBits + MiddleBits))];
            byte[]?[]? leaf = middle?[(int)((frame >> LeafBits) & ((1 << MiddleBits) - 1))];
            if (middle is null)
            {
                end = Math.Min(last, frame | MiddleFrameMask);
            }
            else
            {
                end = Math.Min(last, frame | LeafFrameMask);
                for (ulong f = frame; leaf is not null && f <= end; f++)
                {
                    if (leaf[(int)(f & LeafFrameMask)] is { } page)
                    {
                        ulong frameBase = f << PageShift;
                        ulong from = Math.Max(address, frameBase);
                        ulong to = Math.Min(endAddress, frameBase + PageSize);
                        page.AsSpan((int)(from - frameBase), (int)(to - from)).Clear();
                    }
                }
            }

            if (end == last)
            {
                return;
            }

            frame = end + 1;
        }
    }

    // Publishes a new table or frame in an empty slot, charging its bytes against the limit first.
    // True when the slot holds one afterwards (ours or a racing writer's).
    private bool TryAdd<T>(ref T? slot, Func<T> create, long bytes, bool countsFrame)
        where T : class
    {
        if (Interlocked.Add(ref _backedBytes, bytes) > BackingLimit)
        {
            Interlocked.Add(ref _backedBytes, -bytes);
            return Volatile.Read(ref slot) is not null;
        }

        if (Interlocked.CompareExchange(ref slot, create(), null) is not null)
        {
            Interlocked.Add(ref _backedBytes, -bytes);
        }
        else if (countsFrame)
        {
            Interlocked.Increment(ref _framesAllocated);
        }

        return true;
    }
}
