using VtdEmu.Memory;

namespace VtdEmu.Tests.Memory;

/// <summary>
/// <see cref="GuestMemory.TryCompareExchange64"/>, the primitive of the first-level accessed/dirty updates
/// (spec-notes/first-level.md §4): exchanges only on a match, reports what it found, refuses misaligned or non-RAM
/// addresses, and is atomic against concurrent updates.
/// </summary>
public sealed class GuestMemoryCompareExchangeTests
{
    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x10_0000));

    [Fact]
    public void TryCompareExchange64_Match_StoresAndReturnsTheOldValue()
    {
        Assert.True(_memory.TryWrite64(0x1008, 0x1003));

        Assert.True(_memory.TryCompareExchange64(0x1008, 0x1023, 0x1003, out ulong found));

        Assert.Equal(0x1003UL, found);
        Assert.True(_memory.TryRead64(0x1008, out ulong now));
        Assert.Equal(0x1023UL, now);
    }

    [Fact]
    public void TryCompareExchange64_Mismatch_LeavesTheValueAndReportsIt()
    {
        Assert.True(_memory.TryWrite64(0x2000, 0xABCD));

        Assert.True(_memory.TryCompareExchange64(0x2000, 0x1, 0x1234, out ulong found));

        Assert.Equal(0xABCDUL, found);
        Assert.True(_memory.TryRead64(0x2000, out ulong now));
        Assert.Equal(0xABCDUL, now);
    }

    [Theory]
    [InlineData(0x2004UL)]
    [InlineData(0x10_0000UL)]
    [InlineData(0xFFFF_FFFF_FFFF_FFF8UL)]
    public void TryCompareExchange64_MisalignedOrNotRam_FalseAndNothingWritten(ulong address)
    {
        Assert.False(_memory.TryCompareExchange64(address, 1, 0, out _));
        Assert.True(_memory.TryRead64(0x2000, out ulong v));
        Assert.Equal(0UL, v);
    }

    [Fact]
    public void TryCompareExchange64_ConcurrentIncrements_NoneLost()
    {
        const int PerThread = 20_000;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                ulong seen = 0;
                while (true)
                {
                    Assert.True(_memory.TryCompareExchange64(0x3000, seen + 1, seen, out ulong found));
                    if (found == seen)
                    {
                        break;
                    }

                    seen = found;
                }
            }
        });

        Assert.True(_memory.TryRead64(0x3000, out ulong total));
        Assert.Equal(4UL * PerThread, total);
    }
}
