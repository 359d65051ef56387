using CsCheck;
using VtdEmu.Memory;

namespace VtdEmu.Tests.Memory;

/// <summary>
/// Guest RAM as large as the address space never becomes an allocation the host cannot make: host
/// memory is reserved per written frame (plus the tables that index it) and never past
/// <see cref="GuestMemory.BackingLimit"/> (spec-notes/memory.md).
/// </summary>
public sealed class GuestMemoryBackingLimitTests
{
    private const ulong HugeRamSize = 0xF_FFFF_FFFF_F000;
    private const long FirstFrameCost = (8L << 10) * 8 + (16L << 10) * 8 + GuestMemory.PageSize; // middle + leaf table + frame

    private readonly GuestMemory _memory = new(new MemoryRange(0, HugeRamSize));

    [Fact]
    public void TryFill_NonZeroOverHugeRam_FailsWithoutReservingOrWriting()
    {
        Assert.True(_memory.TryWrite64(0x1000, 0x1122_3344_5566_7788));
        long backed = _memory.BackedBytes;

        Assert.False(_memory.TryFill(0, 0xF_FFFF_FFFF_F000, 0xAA));

        Assert.Equal(backed, _memory.BackedBytes);
        Assert.Equal(1, _memory.FramesAllocated);
        Assert.True(_memory.TryRead64(0x1000, out ulong value));
        Assert.Equal(0x1122_3344_5566_7788UL, value);
    }

    [Fact]
    public void TryFill_ZeroOverHugeRam_ClearsWrittenFramesAndReservesNothing()
    {
        Assert.True(_memory.TryWrite64(0x1000, ulong.MaxValue));
        Assert.True(_memory.TryWrite64(0xF_0000_0000_0008, ulong.MaxValue));
        long backed = _memory.BackedBytes;

        Assert.True(_memory.TryFill(0x1004, HugeRamSize - 0x1004, 0));

        Assert.Equal(backed, _memory.BackedBytes);
        Assert.True(_memory.TryRead64(0x1000, out ulong low));
        Assert.Equal(0xFFFF_FFFFUL, low); // the four bytes before the fill survive
        Assert.True(_memory.TryRead64(0xF_0000_0000_0008, out ulong high));
        Assert.Equal(0UL, high);
    }

    [Fact]
    public void TryWrite64_FirstFrame_ChargesTheFrameAndItsIndexTables()
    {
        Assert.True(_memory.TryWrite64(0x2000, 1));
        Assert.True(_memory.TryWrite64(0x3000, 1)); // same leaf table: one more frame only

        Assert.Equal(FirstFrameCost + GuestMemory.PageSize, _memory.BackedBytes);
        Assert.Equal(2, _memory.FramesAllocated);
    }

    [Fact]
    public void TryWrite_PastBackingLimit_FailsWholeAndLeavesMemoryUnchanged()
    {
        _memory.BackingLimit = FirstFrameCost + GuestMemory.PageSize;
        byte[] threeFrames = new byte[3 * GuestMemory.PageSize];
        threeFrames.AsSpan().Fill(0x5A);

        Assert.False(_memory.TryWrite(0x1000, threeFrames));
        Assert.Equal(0, _memory.BackedBytes);
        Assert.True(_memory.TryWrite(0x1000, threeFrames.AsSpan(0, 2 * GuestMemory.PageSize)));
        Assert.False(_memory.TryWrite64(0x3000, 1));
        Assert.False(_memory.TryGetFrame(0x3000, out _));
        Assert.False(_memory.TryCompareExchange64(0x3000, 1, 0, out _));
        Assert.True(_memory.TryCompareExchange64(0x3000, 1, 5, out ulong original)); // fails without a store: nothing to back
        Assert.Equal(0UL, original);
        Assert.Equal(_memory.BackingLimit, _memory.BackedBytes);
    }

    [Fact]
    public void BackingLimit_Default_IsFourGiB()
    {
        Assert.Equal(4L << 30, _memory.BackingLimit);
        Assert.Throws<ArgumentOutOfRangeException>(() => _memory.BackingLimit = -1);
    }

    /// <summary>
    /// Random writes and fills under a small limit against a model that keeps the bytes written and
    /// prices each new middle table, leaf table and frame: an operation succeeds exactly when the model
    /// says its cost fits, a refused one changes nothing, and what reads back is what the model holds.
    /// </summary>
    [Fact]
    public void WritesAndFills_UnderBackingLimit_MatchTheCostModel()
    {
        Gen<(ulong Address, int Length, byte Value)> op = Gen.Select(
            Gen.OneOf(0UL, 0x3FFF_F000UL, 0x4000_0000UL, 0x1_0000_0000_0000UL, 0x8_0000_0000_0000UL - 0x2000),
            Gen.Int[0, 0x3000],
            Gen.Int[1, 3 * GuestMemory.PageSize],
            Gen.OneOf((byte)0, (byte)0x77)).Select((b, off, len, v) => (b + (ulong)off, len, v));

        Gen.Select(op.Array[1, 12], Gen.Long[0, 3 * FirstFrameCost]).Sample((ops, limit) =>
        {
            var memory = new GuestMemory(new MemoryRange(0, HugeRamSize)) { BackingLimit = limit };
            var model = new Dictionary<ulong, byte>();
            var frames = new HashSet<ulong>();
            foreach ((ulong address, int length, byte value) in ops)
            {
                long before = memory.BackedBytes;
                long cost = Cost(frames, address, length, value);
                bool ok = value == 0 ? memory.TryFill(address, (ulong)length, 0) : memory.TryWrite(address, Filled(length, value));

                Assert.Equal(value == 0 || before + cost <= limit, ok);
                Assert.Equal(before + (ok ? cost : 0), memory.BackedBytes);
                for (ulong a = address; ok && a < address + (ulong)length; a++)
                {
                    model[a] = value;
                    if (value != 0)
                    {
                        frames.Add(a >> GuestMemory.PageShift);
                    }
                }
            }

            foreach ((ulong address, byte expected) in model)
            {
                byte[] one = new byte[1];
                Assert.True(memory.TryRead(address, one));
                Assert.Equal(expected, one[0]);
            }
        });
    }

    private static byte[] Filled(int length, byte value)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return bytes;
    }

    // The host bytes a write of [address, address + length) needs beyond what `frames` already backs;
    // a zero fill needs none.
    private static long Cost(HashSet<ulong> frames, ulong address, int length, byte value)
    {
        if (value == 0)
        {
            return 0;
        }

        long cost = 0;
        var leaves = new HashSet<ulong>(frames.Select(f => f >> 14));
        var middles = new HashSet<ulong>(frames.Select(f => f >> 27));
        for (ulong f = address >> GuestMemory.PageShift; f <= (address + (ulong)length - 1) >> GuestMemory.PageShift; f++)
        {
            cost += frames.Contains(f) ? 0 : GuestMemory.PageSize;
            cost += leaves.Add(f >> 14) ? (16L << 10) * 8 : 0;
            cost += middles.Add(f >> 27) ? (8L << 10) * 8 : 0;
        }

        return cost;
    }
}
