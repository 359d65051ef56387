using CsCheck;
using VtdEmu.Memory;

namespace VtdEmu.Tests.Memory;

public sealed class GuestMemoryTests
{
    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x10_0000), new MemoryRange(0x1_0000_0000, 0x2000));

    [Fact]
    public void IsRam_InsideAndAcrossRanges()
    {
        Assert.True(_memory.IsRam(0, 0x10_0000));
        Assert.True(_memory.IsRam(0x1_0000_1FF8, 8));
        Assert.False(_memory.IsRam(0x0F_FFFC, 8));       // runs off the first range
        Assert.False(_memory.IsRam(0x1_0000_1FFC, 8));   // runs off the second
        Assert.False(_memory.IsRam(0x20_0000, 4));
    }

    [Fact]
    public void TryReadWrite_OutsideRam_ReturnFalse_NothingAllocated()
    {
        Assert.False(_memory.TryWrite64(0x20_0000, 1));
        Assert.False(_memory.TryWrite32(0x0F_FFFE, 1));
        Assert.False(_memory.TryRead64(0x20_0000, out ulong value));
        Assert.Equal(0UL, value);
        Assert.False(_memory.TryFill(0x0F_F000, 0x2000, 0xFF));
        Assert.False(_memory.TryGetFrame(0x20_0000, out _));
        Assert.Equal(0, _memory.FramesAllocated);
    }

    [Fact]
    public void TryRead_UntouchedRam_ReadsZero_WithoutAllocating()
    {
        Span<byte> buffer = stackalloc byte[0x3000];
        buffer.Fill(0xCC);
        Assert.True(_memory.TryRead(0x1000, buffer));
        Assert.True(buffer.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(_memory.TryRead64(0x5000, out ulong value));
        Assert.Equal(0UL, value);
        Assert.True(_memory.TryFill(0x8000, 0x1000, 0)); // zero fill of untouched frames stays sparse
        Assert.Equal(0, _memory.FramesAllocated);
    }

    [Fact]
    public void TryWrite_AcrossFrames_ReadsBackAndAllocatesBothFrames()
    {
        byte[] data = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        Assert.True(_memory.TryWrite(0x1FF8, data));
        Assert.Equal(2, _memory.FramesAllocated);

        byte[] back = new byte[16];
        Assert.True(_memory.TryRead(0x1FF8, back));
        Assert.Equal(data, back);
        Assert.True(_memory.TryRead64(0x1FFC, out ulong straddling)); // 8 bytes over the frame boundary
        Assert.Equal(0x0C0B_0A09_0807_0605UL, straddling);
    }

    [Fact]
    public void Constructor_RangeBeyond52Bits_Throws()
    {
        Assert.Equal((1UL << 52) - 1, GuestMemory.MaxAddress);
        Assert.Throws<ArgumentException>(() => new GuestMemory(new MemoryRange(GuestMemory.MaxAddress, 2)));
        var top = new GuestMemory(new MemoryRange(GuestMemory.MaxAddress + 1 - 0x1000, 0x1000));
        Assert.True(top.TryWrite64(GuestMemory.MaxAddress - 7, 0x1122_3344_5566_7788));
        Assert.True(top.TryRead64(GuestMemory.MaxAddress - 7, out ulong value));
        Assert.Equal(0x1122_3344_5566_7788UL, value);
        Assert.False(top.TryRead64(GuestMemory.MaxAddress - 3, out _));
    }

    [Fact]
    public void Constructor_OverlappingRanges_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GuestMemory(new MemoryRange(0, 0x2000), new MemoryRange(0x1000, 0x1000)));
    }

    [Fact]
    public void TryWrite64_ThenTryRead64_RoundTrips_AnyAddressInRam()
    {
        Gen.Select(Gen.ULong[0, 0x10_0000 - 8], Gen.ULong).Sample((address, value) =>
        {
            var memory = new GuestMemory(new MemoryRange(0, 0x10_0000));
            return memory.TryWrite64(address, value) && memory.TryRead64(address, out ulong back) && back == value
                && memory.TryRead32(address + 4, out uint high) && high == (uint)(value >> 32);
        });
    }
}
