using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VtdEmu.Memory;

/// <summary>
/// Sparse guest physical memory: a 52-bit physical address space in which only the 4 KiB frames
/// that have been written take host memory (untouched RAM reads as zero). Accesses outside the
/// configured RAM ranges fail and report <c>false</c>, so the translation engine can turn them into
/// the spec's access-error faults instead of exceptions.
/// </summary>
/// <remarks>
/// Frames hang off a three-level radix table indexed by frame-number bits 39:27, 26:14 and 13:0 of
/// the 40-bit frame number, so a lookup is three dependent loads and allocates nothing. Naturally
/// aligned 32- and 64-bit accesses are single-copy atomic (a DMA racing a CPU store sees the old
/// or the new value, never a mix), which is what the caches' threading contract relies on.
/// Host memory is reserved only as frames are written, and never beyond <see cref="BackingLimit"/>:
/// a write that would need more fails instead (spec-notes/memory.md).
/// </remarks>
public sealed partial class GuestMemory
{
    /// <summary>Width of a guest physical address (the largest HAW VT-d defines).</summary>
    public const int AddressBits = 52;

    /// <summary>log2 of a backing frame: the 4 KiB page (<see cref="PageGeometry.PageShift"/>).</summary>
    public const int PageShift = PageGeometry.PageShift;

    /// <summary>Bytes in a backing frame.</summary>
    public const int PageSize = (int)PageGeometry.PageSize;
    private const ulong PageOffsetMask = PageGeometry.PageOffsetMask;

    private const int LeafBits = 14;
    private const int MiddleBits = 13;
    private const int RootBits = AddressBits - PageShift - LeafBits - MiddleBits;

    private readonly MemoryRange[] _ram;
    private readonly byte[]?[]?[]?[] _root = new byte[]?[]?[]?[1 << RootBits];
    private long _framesAllocated;
    private long _backedBytes;
    private long _backingLimit = DefaultBackingLimit;

    /// <summary>Creates guest memory with the given RAM ranges (they may not overlap).</summary>
    public GuestMemory(params ReadOnlySpan<MemoryRange> ram)
    {
        _ram = ram.ToArray();
        Array.Sort(_ram, static (a, b) => a.Base.CompareTo(b.Base));
        for (int i = 1; i < _ram.Length; i++)
        {
            if (_ram[i].Base < _ram[i - 1].End)
            {
                throw new ArgumentException($"RAM ranges {_ram[i - 1]} and {_ram[i]} overlap.", nameof(ram));
            }
        }

        foreach (MemoryRange range in _ram)
        {
            if (range.Size == 0 || range.End > MaxAddress + 1)
            {
                throw new ArgumentException($"RAM range {range} is empty or beyond the {AddressBits}-bit address space.", nameof(ram));
            }
        }
    }

    /// <summary>The highest guest physical address (2^52 - 1).</summary>
    public const ulong MaxAddress = (1UL << AddressBits) - 1;

    /// <summary>The RAM ranges, sorted by base.</summary>
    public ReadOnlySpan<MemoryRange> Ram => _ram;

    /// <summary>How many 4 KiB frames hold host memory.</summary>
    public long FramesAllocated => Interlocked.Read(ref _framesAllocated);

    /// <summary>True when every byte of <c>[address, address + length)</c> is RAM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsRam(ulong address, ulong length)
    {
        foreach (MemoryRange range in _ram)
        {
            if (range.Contains(address, length))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a little-endian 64-bit value. False when the 8 bytes are not all RAM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead64(ulong address, out ulong value)
    {
        if ((address & PageOffsetMask) <= PageSize - sizeof(ulong) && IsRam(address, sizeof(ulong)))
        {
            byte[]? frame = FindFrame(address);
            // SAFETY: the offset is at most PageSize - 8 (checked above) and a frame is PageSize bytes.
            value = frame is null ? 0 : Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(frame), (nint)(address & PageOffsetMask)));
            return true;
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        bool ok = TryRead(address, bytes);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0;
        return ok;
    }

    /// <summary>Reads a little-endian 32-bit value. False when the 4 bytes are not all RAM.</summary>
    public bool TryRead32(ulong address, out uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        bool ok = TryRead(address, bytes);
        value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : 0;
        return ok;
    }

    /// <summary>Writes a little-endian 64-bit value. False (nothing written) when the 8 bytes are not all RAM.</summary>
    public bool TryWrite64(ulong address, ulong value)
    {
        if ((address & PageOffsetMask) <= PageSize - sizeof(ulong) && IsRam(address, sizeof(ulong)))
        {
            byte[]? frame = GetOrAddFrame(address);
            if (frame is null)
            {
                return false;
            }

            // SAFETY: the offset is at most PageSize - 8 (checked above) and a frame is PageSize bytes.
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(frame), (nint)(address & PageOffsetMask)), value);
            return true;
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return TryWrite(address, bytes);
    }

    /// <summary>
    /// Atomically replaces the naturally aligned 64-bit value at <paramref name="address"/> with
    /// <paramref name="value"/> if it equals <paramref name="comparand"/> (the compare-and-exchange the
    /// hardware uses for accessed/dirty updates, so a racing CPU store is never lost). Returns false when
    /// the address is misaligned or not RAM, or when the store needs a new frame beyond
    /// <see cref="BackingLimit"/>; otherwise <paramref name="original"/> is the value found.
    /// </summary>
    public bool TryCompareExchange64(ulong address, ulong value, ulong comparand, out ulong original)
    {
        if ((address & (sizeof(ulong) - 1)) != 0 || !IsRam(address, sizeof(ulong)))
        {
            original = 0;
            return false;
        }

        byte[]? frame = FindFrame(address);
        if (frame is null && (comparand != 0 || value == 0))
        {
            // An unbacked frame reads as zero: the exchange fails, or stores the zero already there.
            original = 0;
            return true;
        }

        frame ??= GetOrAddFrame(address);
        if (frame is null)
        {
            original = 0;
            return false;
        }

        // SAFETY: the address is 8-byte aligned (checked above), so the offset is at most PageSize - 8 and
        // the element is naturally aligned for Interlocked (array data is 8-byte aligned on 64-bit runtimes).
        ref long slot = ref Unsafe.As<byte, long>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(frame), (nint)(address & PageOffsetMask)));
        original = unchecked((ulong)Interlocked.CompareExchange(ref slot, unchecked((long)value), unchecked((long)comparand)));
        return true;
    }

    /// <summary>Writes a little-endian 32-bit value. False (nothing written) when the 4 bytes are not all RAM.</summary>
    public bool TryWrite32(ulong address, uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return TryWrite(address, bytes);
    }

    /// <summary>Copies guest memory into <paramref name="destination"/>, across frames. False (destination untouched) when any byte is not RAM.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!IsRam(address, (ulong)destination.Length))
        {
            return false;
        }

        while (!destination.IsEmpty)
        {
            int offset = (int)(address & PageOffsetMask);
            int chunk = Math.Min(destination.Length, PageSize - offset);
            byte[]? frame = FindFrame(address);
            if (frame is null)
            {
                destination[..chunk].Clear();
            }
            else
            {
                frame.AsSpan(offset, chunk).CopyTo(destination);
            }

            destination = destination[chunk..];
            address += (ulong)chunk;
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into guest memory, across frames. False (nothing written) when
    /// any byte is not RAM or the frames it needs would take the host memory beyond <see cref="BackingLimit"/>.
    /// </summary>
    public bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        if (!IsRam(address, (ulong)source.Length))
        {
            return false;
        }

        if (!source.IsEmpty && !CanBack(address, (ulong)source.Length))
        {
            return false;
        }

        while (!source.IsEmpty)
        {
            int offset = (int)(address & PageOffsetMask);
            int chunk = Math.Min(source.Length, PageSize - offset);
            byte[]? frame = GetOrAddFrame(address);
            if (frame is null)
            {
                return false;
            }

            source[..chunk].CopyTo(frame.AsSpan(offset, chunk));
            source = source[chunk..];
            address += (ulong)chunk;
        }

        return true;
    }

    /// <summary>
    /// Sets <paramref name="length"/> bytes to <paramref name="value"/>. False (nothing written) when
    /// any byte is not RAM, or when <paramref name="value"/> is not zero and the frames the fill needs
    /// would take the host memory beyond <see cref="BackingLimit"/>. A zero fill touches only frames that
    /// already hold memory (the rest already read as zero), so it reserves nothing at any length.
    /// </summary>
    public bool TryFill(ulong address, ulong length, byte value)
    {
        if (!IsRam(address, length))
        {
            return false;
        }

        if (length == 0)
        {
            return true;
        }

        if (value == 0)
        {
            ClearBackedFrames(address, length);
            return true;
        }

        if (!CanBack(address, length))
        {
            return false;
        }

        while (length != 0)
        {
            int offset = (int)(address & PageOffsetMask);
            int chunk = (int)Math.Min(length, (ulong)(PageSize - offset));
            byte[]? frame = GetOrAddFrame(address);
            if (frame is null)
            {
                return false;
            }

            frame.AsSpan(offset, chunk).Fill(value);
            length -= (ulong)chunk;
            address += (ulong)chunk;
        }

        return true;
    }

    /// <summary>
    /// Bulk-loads a memory image: the bytes of <paramref name="image"/>, read to its end, land at
    /// <paramref name="address"/> onward, replacing what was there. The image stays sparse: a page of
    /// zeros takes host memory only if the frame already held something (which is cleared). Returns
    /// false when the image runs past RAM; <paramref name="bytesLoaded"/> then counts the bytes that
    /// were written before the first page that is not RAM, and loading stops there without reading the
    /// rest. Exceptions from the stream itself (I/O, a corrupt compressed image) reach the caller.
    /// </summary>
    public bool TryLoadImage(ulong address, Stream image, out long bytesLoaded)
    {
        ArgumentNullException.ThrowIfNull(image);
        bytesLoaded = 0;
        byte[] buffer = new byte[PageSize];
        while (true)
        {
            // Page-aligned chunks after the first, so each chunk is one frame.
            int chunk = PageSize - (int)(address & PageOffsetMask);
            int read = image.ReadAtLeast(buffer.AsSpan(0, chunk), chunk, throwOnEndOfStream: false);
            if (read == 0)
            {
                return true;
            }

            ReadOnlySpan<byte> bytes = buffer.AsSpan(0, read);
            bool stored = bytes.ContainsAnyExcept((byte)0) ? TryWrite(address, bytes) : TryFill(address, (ulong)read, 0);
            if (!stored)
            {
                return false;
            }

            bytesLoaded += read;
            if (read < chunk)
            {
                return true;
            }

            address += (ulong)read;
        }
    }

    /// <summary>
    /// The 4 KiB frame that holds <paramref name="address"/>, for direct Span access (allocated on
    /// first use). False when the frame is not wholly RAM or cannot be backed within <see cref="BackingLimit"/>.
    /// </summary>
    public bool TryGetFrame(ulong address, out Span<byte> frame)
    {
        ulong frameBase = address & ~PageOffsetMask;
        byte[]? backing = IsRam(frameBase, PageSize) ? GetOrAddFrame(frameBase) : null;
        frame = backing;
        return backing is not null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte[]? FindFrame(ulong address)
    {
        Debug.Assert(address <= MaxAddress, "callers check RAM first, and RAM is below 2^52");
        ulong frame = address >> PageShift;
        byte[]?[]?[]? middle = _root[(int)(frame >> (LeafBits + MiddleBits))];
        byte[]?[]? leaf = middle?[(int)((frame >> LeafBits) & ((1 << MiddleBits) - 1))];
        return leaf?[(int)(frame & ((1 << LeafBits) - 1))];
    }

    // Null when a table or the frame itself would take the backed bytes beyond the limit.
    private byte[]? GetOrAddFrame(ulong address)
    {
        ulong frame = address >> PageShift;
        ref byte[]?[]?[]? middle = ref _root[(int)(frame >> (LeafBits + MiddleBits))];
        if (middle is null && !TryAdd(ref middle, static () => new byte[]?[]?[1 << MiddleBits], MiddleTableBytes, countsFrame: false))
        {
            return null;
        }

        ref byte[]?[]? leaf = ref middle![(int)((frame >> LeafBits) & ((1 << MiddleBits) - 1))];
        if (leaf is null && !TryAdd(ref leaf, static () => new byte[]?[1 << LeafBits], LeafTableBytes, countsFrame: false))
        {
            return null;
        }

        ref byte[]? page = ref leaf![(int)(frame & ((1 << LeafBits) - 1))];
        if (page is null && !TryAdd(ref page, static () => new byte[PageSize], PageSize, countsFrame: true))
        {
            return null;
        }

        return page;
    }
}
