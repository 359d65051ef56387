using CsCheck;
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

    [Fact]
    public void Add_RandomAccesses_MatchAPlainSetOfEveryTouchedPage()
    {
        // Few devices and pages (so keys repeat and meet in the memo's slots), lengths that cross pages,
        // and addresses at the top of the IOVA space.
        Gen<TraceAccess> access = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 40], Gen.UInt[0, 0x3000], Gen.Bool, Gen.Bool).Select(
            (device, page, length, top, write) => new TraceAccess(
                new PciBdf(0, (byte)device, 0),
                (top ? 0xFFFF_FFFF_FFF0_0000UL : 0) + ((ulong)page * 0x800),
                length,
                write ? DmaDirection.Write : DmaDirection.Read));
        access.Array[1, 400].Sample(accesses =>
        {
            var summary = new TraceSummary();
            summary.Add(accesses);

            var pages = new HashSet<(ushort, ulong)>();
            foreach (TraceAccess a in accesses)
            {
                ulong last = a.Length == 0 ? a.Iova : a.Iova + (a.Length - 1);
                for (ulong page = a.Iova >> 12; page <= Math.Max(a.Iova, last) >> 12; page++)
                {
                    pages.Add((a.Device.SourceId, page));
                }
            }

            Assert.Equal(pages.Count, summary.DistinctPages);
            Assert.Equal(pages.Select(p => p.Item2).Distinct().Count(), summary.PageRuns().Sum(run => (int)(run.Length >> 12)));
            Assert.False(summary.PagesCapped);
        });
    }
}
