using CsCheck;

namespace VtdEmu.Tests;

public sealed class PciBdfTests
{
    [Theory]
    [InlineData("00:03.0", 0x0018)]
    [InlineData("00:00.0", 0x0000)]
    [InlineData("ff:1f.7", 0xFFFF)]
    [InlineData("1a:02.5", 0x1A15)]
    [InlineData("1A:2.5", 0x1A15)]
    public void TryParse_Valid_GivesSourceIdBus15To8Device7To3Function2To0(string text, int sourceId)
    {
        Assert.True(PciBdf.TryParse(text, out PciBdf bdf));
        Assert.Equal((ushort)sourceId, bdf.SourceId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00:03")]
    [InlineData("000:03.0")]
    [InlineData("00:003.0")]
    [InlineData("00:20.0")]
    [InlineData("00:03.8")]
    [InlineData("00.03:0")]
    [InlineData(":03.0")]
    [InlineData("00:.0")]
    [InlineData("00:03.00")]
    [InlineData("0g:03.0")]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(PciBdf.TryParse(text, out _));
    }

    [Fact]
    public void SourceId_RoundTripsThroughBdfAndText()
    {
        Gen.UShort.Sample(sourceId =>
        {
            PciBdf bdf = PciBdf.FromSourceId(sourceId);
            Assert.Equal(sourceId, bdf.SourceId);
            Assert.True(PciBdf.TryParse(bdf.ToString(), out PciBdf parsed));
            Assert.Equal(bdf, parsed);
            Assert.Matches("^[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$", bdf.ToString());
        });
    }

    [Fact]
    public void Constructor_DeviceAbove1F_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PciBdf(0, 0x20, 0));
    }
}
