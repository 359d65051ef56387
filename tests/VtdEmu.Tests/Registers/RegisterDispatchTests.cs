using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class RegisterDispatchTests
{
    private static readonly RegisterRow[] s_rows =
    [
        new("ANY", 0x0, 4, 0, RwMask: 0xFFFF_FFFF, 0, 0, WriteEffect.Any),
        new("HIGH", 0x8, 8, 0, RwMask: ulong.MaxValue, 0, 0, WriteEffect.HighDword),
        new("LOW", 0x10, 8, 0, RwMask: ulong.MaxValue, 0, 0, WriteEffect.LowDword),
        new("PLAIN", 0x18, 8, 0, RwMask: ulong.MaxValue, 0, 0, WriteEffect.None),
    ];

    private readonly RegisterFile _registers = new(s_rows, 0x20);
    private readonly List<string> _ran = [];
    private readonly RegisterDispatch _dispatch;

    public RegisterDispatchTests()
    {
        _dispatch = new RegisterDispatch(_registers);
        _dispatch.On(0x0, () => _ran.Add("ANY"));
        _dispatch.On(0x8, () => _ran.Add("HIGH"));
        _dispatch.On(0x10, () => _ran.Add("LOW"));
    }

    private void Write(int offset, int size, ulong value)
    {
        _registers.GuestWrite(offset, size, value);
        _dispatch.Run(offset, size);
    }

    [Theory]
    [InlineData(0x0, 4, "ANY")]
    [InlineData(0x8, 4, "")]
    [InlineData(0xC, 4, "HIGH")]
    [InlineData(0x8, 8, "HIGH")]
    [InlineData(0x10, 4, "LOW")]
    [InlineData(0x14, 4, "")]
    [InlineData(0x10, 8, "LOW")]
    [InlineData(0x18, 8, "")]
    public void Run_CallsTheHandlerOnlyForTheHalfTheLayoutNames(int offset, int size, string expected)
    {
        Write(offset, size, 1);
        Assert.Equal(expected, string.Join(',', _ran));
    }

    [Fact]
    public void Run_EightByteWriteOverTwoRows_RunsBothInAddressOrder()
    {
        var rows = new RegisterRow[]
        {
            new("A", 0x0, 4, 0, 0xFFFF_FFFF, 0, 0, WriteEffect.Any),
            new("B", 0x4, 4, 0, 0xFFFF_FFFF, 0, 0, WriteEffect.Any),
        };
        var registers = new RegisterFile(rows, 0x8);
        var dispatch = new RegisterDispatch(registers);
        var ran = new List<string>();
        dispatch.On(0x0, () => ran.Add($"A={registers.Get32(0):X}"));
        dispatch.On(0x4, () => ran.Add($"B={registers.Get32(4):X}"));

        registers.GuestWrite(0, 8, 0x2222_2222_1111_1111);
        dispatch.Run(0, 8);

        Assert.Equal(["A=11111111", "B=22222222"], ran);
    }

    [Fact]
    public void On_ReplacesTheEarlierHandler()
    {
        _dispatch.On(0x0, () => _ran.Add("NEW"));
        Write(0x0, 4, 1);
        Assert.Equal(["NEW"], _ran);
    }

    [Theory]
    [InlineData(0x18)] // a row without a side effect in the layout
    [InlineData(0xC)]  // not the start of a row
    public void On_OffsetWithoutSideEffectRow_Throws(int offset) =>
        Assert.Throws<ArgumentException>(() => _dispatch.On(offset, () => { }));
}
