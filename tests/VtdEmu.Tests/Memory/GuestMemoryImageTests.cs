using VtdEmu.Memory;

namespace VtdEmu.Tests.Memory;

/// <summary><see cref="GuestMemory.TryLoadImage"/>: bulk loading keeps memory sparse and replaces what was there.</summary>
public sealed class GuestMemoryImageTests
{
    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x10_0000));

    [Fact]
    public void TryLoadImage_ZeroPages_TakeNoHostMemory_DataPagesLand()
    {
        byte[] image = new byte[0x8000];
        image[0x3008] = 0xAB;
        image[0x7FFF] = 0xCD;

        Assert.True(_memory.TryLoadImage(0, new MemoryStream(image), out long loaded));

        Assert.Equal(image.Length, loaded);
        Assert.Equal(2, _memory.FramesAllocated);
        Assert.True(_memory.TryRead64(0x3008, out ulong value));
        Assert.Equal(0xABUL, value);
        Assert.True(_memory.TryRead32(0x7FFC, out uint last));
        Assert.Equal(0xCD00_0000u, last);
    }

    [Fact]
    public void TryLoadImage_ZeroPageOverWrittenFrame_ClearsIt()
    {
        Assert.True(_memory.TryWrite64(0x1010, 0x1234));
        Assert.True(_memory.TryWrite64(0x2010, 0x5678));

        Assert.True(_memory.TryLoadImage(0x1000, new MemoryStream(new byte[0x1000]), out _));

        Assert.True(_memory.TryRead64(0x1010, out ulong cleared));
        Assert.Equal(0UL, cleared);
        Assert.True(_memory.TryRead64(0x2010, out ulong kept));
        Assert.Equal(0x5678UL, kept);
    }

    [Fact]
    public void TryLoadImage_UnalignedStartAndShortTail_LandByteForByte()
    {
        byte[] image = new byte[0x1800];
        Random.Shared.NextBytes(image);
        image[0] = 1;

        Assert.True(_memory.TryLoadImage(0xF00, new MemoryStream(image), out long loaded));

        Assert.Equal(image.Length, loaded);
        byte[] back = new byte[image.Length];
        Assert.True(_memory.TryRead(0xF00, back));
        Assert.Equal(image, back);
    }

    [Fact]
    public void TryLoadImage_PastRam_ReturnsFalse_CountsWhatFitted()
    {
        byte[] image = new byte[0x3000];
        image[0x2FFF] = 7;

        Assert.False(_memory.TryLoadImage(0xF_E000, new MemoryStream(image), out long loaded));

        Assert.Equal(0x2000, loaded);
    }
}
