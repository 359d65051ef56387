using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Traces;

public sealed class TraceSummaryTests
{
    [Theory]
    [InlineData(0x1000ul, 0u, 1)]
    [InlineData(0x1000ul, 0x1000u, 1)]
    [InlineData(0x1FFFul, 2u, 2)]
    [InlineData(0x1800ul, 0x2000u, 3)]
    [InlineData(0xFFFF_FFFF_FFFF_F000ul, 0x10_0000u, 1)]
    public void Add_CountsEveryPageAnAccessTouches(ulong iova, uint length, int pages)
    {
        var summary = new TraceSummary();

        summary.Add(new TraceAccess(new PciBdf(0, 3, 0), iova, length, DmaDirection.Read));

        Assert.Equal(pages, summary.DistinctPages);
    }

    [Fact]
    public void Add_SamePageFromTwoDevices_CountsTwice()
    {
        var summary = new TraceSummary();

        summary.Add(new TraceAccess(new PciBdf(0, 3, 0), 0x1000, 4, DmaDirection.Read));
        summary.Add(new TraceAccess(new PciBdf(0, 4, 0), 0x1000, 4, DmaDirection.Write));
        summary.Add(new TraceAccess(new PciBdf(0, 3, 0), 0x1004, 4, DmaDirection.Write));

        Assert.Equal(2, summary.DistinctPages);
        Assert.Equal(1, summary.Reads);
        Assert.Equal(2, summary.Writes);
        Assert.Equal(8UL, summary.BytesWritten);
        Assert.Equal([new PciBdf(0, 3, 0), new PciBdf(0, 4, 0)], summary.Devices);
    }
}
