using VtdEmu.Interrupts;

namespace VtdEmu.Tests.Interrupts;

public sealed class InterruptRequestTests
{
    [Theory]
    [InlineData(0xFEE0_0010UL, 0u, 0, false, 0)]             // handle 0, no SHV
    [InlineData(0xFEE0_0030UL, 0u, 1, false, 1)]             // handle 1 (bit 5)
    [InlineData(0xFEEF_FFF0UL, 0u, 0x7FFF, false, 0x7FFF)]   // handle 14:0 all ones (bits 19:5)
    [InlineData(0xFEE0_0014UL, 0u, 0x8000, false, 0x8000)]   // handle[15] is address bit 2
    [InlineData(0xFEE0_0058UL, 0x0003u, 2, true, 5)]         // SHV: handle 2 + subhandle 3
    [InlineData(0xFEE0_0050UL, 0x0003u, 2, false, 2)]        // no SHV: the data is ignored
    public void Remappable_Decode_HandleSubhandleIndex(ulong address, uint data, int handle, bool shv, int index)
    {
        var request = new InterruptRequest(0x0018, address, data);

        Assert.True(request.IsRemappable);
        Assert.Equal(handle, request.Handle);
        Assert.Equal(shv, request.SubhandleValid);
        Assert.Equal(index, request.Index);
        Assert.Equal(address, InterruptRequest.RemappableAddress(handle, shv));
    }

    [Fact]
    public void Remappable_DataHighHalf_IsReserved()
    {
        Assert.False(new InterruptRequest(0, 0xFEE0_0010, 0x0000_FFFF).HasReservedBits);
        Assert.True(new InterruptRequest(0, 0xFEE0_0010, 0x0001_0000).HasReservedBits);
    }

    [Fact]
    public void Compatibility_Decode_AttributesFromAddressAndData()
    {
        // Destination 0x12 (bits 19:12), RH (3), DM logical (2); vector 0x41, delivery mode 001, level (15).
        var request = new InterruptRequest(0x0018, 0xFEE1_200C, 0x8141);

        Assert.False(request.IsRemappable);
        Assert.Equal(new ApicInterrupt(0x12, 0x41, 1, Logical: true, Level: true, RedirectionHint: true), request.DecodeCompatibility());
    }

    [Theory]
    [InlineData(0xFEDF_FFFCUL, false)]
    [InlineData(0xFEE0_0000UL, true)]
    [InlineData(0xFEEF_FFFCUL, true)]
    [InlineData(0xFEF0_0000UL, false)]
    [InlineData(0x1_FEE0_0000UL, false)]
    public void IsInterruptAddress_OnlyTheFeeWindow(ulong address, bool expected) =>
        Assert.Equal(expected, InterruptRequest.IsInterruptAddress(address));
}
