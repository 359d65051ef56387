using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class RegisterFileTests
{
    private readonly RegisterFile _file = new(
    [
        new RegisterRow("A", 0x0, 4, 0xF0, RwMask: 0x0F, Rw1cMask: 0x30, WoMask: 0x300, WriteEffect.None),
        new RegisterRow("B", 0x8, 8, 0x1122334455667788, 0, 0, 0, WriteEffect.None),
    ], 0x20);

    [Fact]
    public void GuestWrite_RwBits_Stored_OthersKept()
    {
        _file.GuestWrite(0, 4, 0xFFFF_FF35);
        // RW nibble takes 5; RW1C bits 5:4 written 1 clear; RO bits 7:6 keep 1; WO bits 9:8 stored.
        Assert.Equal(0xC5u | 0x300u, _file.Get32(0));
        Assert.Equal(0xC5UL, _file.GuestRead(0, 4));
    }

    [Fact]
    public void GuestWrite_Rw1cWrittenZero_KeepsBit()
    {
        _file.GuestWrite(0, 4, 0);
        Assert.Equal(0xF0UL, _file.GuestRead(0, 4));
    }

    [Fact]
    public void GuestWrite_ReadOnlyRow_Ignored()
    {
        _file.GuestWrite(8, 8, 0);
        Assert.Equal(0x1122334455667788UL, _file.GuestRead(8, 8));
    }

    [Fact]
    public void RowAt_Gap_IsMinusOne_AndReadsZero()
    {
        Assert.Equal(-1, _file.RowAt(4));
        Assert.Equal("reserved", _file.NameAt(4));
        Assert.Equal(0UL, _file.GuestRead(4, 4));
        Assert.Equal(1, _file.RowAt(0xC));
    }

    [Fact]
    public void Reset_AfterRawSet_RestoresResetValues()
    {
        _file.Set64(8, 0);
        _file.Set32(0, 0);
        _file.Reset();
        Assert.Equal(0x1122334455667788UL, _file.Get64(8));
        Assert.Equal(0xF0u, _file.Get32(0));
    }
}
