using System.Globalization;
using VtdEmu.Caches;
using VtdEmu.Workloads.Sweeps;

namespace VtdEmu.Workloads.Tests.Sweeps;

/// <summary>
/// The calibrated broadwell preset against pcie-bench's measured Cold rows (Golden/pcie-bench, Apache-2.0):
/// random 64 B reads over windows of 4 KiB to 64 MiB (spec-notes/timing.md, "Calibration").
/// Fewer DMAs per point than the 8 Mi measured: the hit rate of a random pattern settles long before.
/// </summary>
public sealed class PcieBenchReproductionTests
{
    private const long Dmas = 1 << 16;

    private static readonly string Golden = Path.Combine(AppContext.BaseDirectory, "Golden", "pcie-bench");

    [Fact]
    public void Throughput_with_4K_pages_is_within_15_percent_of_the_measured_curve_at_every_window()
    {
        Dictionary<ulong, double> measured = ColdThroughput("broadwell-iommu-4k_bw_dma_win_sweep_rd_rnd_64.csv");
        SweepResult[] modelled = Run(PageSize.Size4K, translation: true, measured.Keys);

        Assert.Equal(13, measured.Count);
        foreach (SweepResult result in modelled)
        {
            double expected = measured[result.Point.WindowBytes];
            double residual = (result.Timing.DmasPerSecond - expected) / expected;
            Assert.True(Math.Abs(residual) <= 0.15, $"window {result.Point.WindowBytes}: modelled {result.Timing.DmasPerSecond:0}, measured {expected:0} ({residual:P1})");
        }

        // The cliff itself: flat to the IOTLB's reach (64 x 4 KiB), down to about a third at 64 MiB.
        Assert.True(modelled[2].Timing.DmasPerSecond > 0.95 * modelled[0].Timing.DmasPerSecond);
        Assert.InRange(modelled[^1].Timing.DmasPerSecond / modelled[0].Timing.DmasPerSecond, 0.30, 0.45);
    }

    [Fact]
    public void Mean_latency_rises_by_290_ns_within_20_percent_from_small_to_large_windows()
    {
        SweepResult[] modelled = Run(PageSize.Size4K, translation: true, [8192, 64UL << 20]);
        double measuredRise = MeasuredLatency(64UL << 20) - MeasuredLatency(8192);

        double rise = modelled[1].Timing.MeanLatencyNs - modelled[0].Timing.MeanLatencyNs;

        Assert.InRange(measuredRise, 280, 300);
        Assert.InRange(rise, 290 * 0.8, 290 * 1.2);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Curves_are_flat_with_2M_pages_and_with_translation_off(bool translation)
    {
        Dictionary<ulong, double> unmapped = ColdThroughput("broadwell-no-iommu_bw_dma_win_sweep_rd_rnd_64.csv");
        SweepResult[] modelled = Run(translation ? PageSize.Size2M : PageSize.Size4K, translation, unmapped.Keys);

        foreach (SweepResult result in modelled)
        {
            double expected = unmapped[result.Point.WindowBytes];
            Assert.True(Math.Abs(result.Timing.DmasPerSecond - expected) / expected <= 0.15, $"window {result.Point.WindowBytes}: {result.Timing.DmasPerSecond:0} vs {expected:0}");
        }
    }

    private static SweepResult[] Run(PageSize pageSize, bool translation, IEnumerable<ulong> windows)
    {
        var grid = new SweepGrid { Windows = [.. windows.Order()], PageSizes = [pageSize], Translation = [translation], Dmas = Dmas };
        return SweepRunner.RunAll(grid.Points(), Environment.ProcessorCount);
    }

    // WinSZ (column 5, sometimes written "1572864.0") -> Trans/s (column 12), Cold rows only.
    private static Dictionary<ulong, double> ColdThroughput(string file) =>
        File.ReadLines(Path.Combine(Golden, file)).Skip(1).Select(line => line.Split(','))
            .Where(cells => cells[2] == "Cold")
            .ToDictionary(cells => (ulong)double.Parse(cells[5], CultureInfo.InvariantCulture), cells => double.Parse(cells[12], CultureInfo.InvariantCulture));

    // Avg(ns) (column 15) of the Cold row for a window.
    private static double MeasuredLatency(ulong window) =>
        File.ReadLines(Path.Combine(Golden, "broadwell-iommu-4k_lat_dma_sweep_rd_rnd_64.csv")).Skip(1).Select(line => line.Split(','))
            .Where(cells => cells[2] == "Cold" && (ulong)double.Parse(cells[5], CultureInfo.InvariantCulture) == window)
            .Select(cells => double.Parse(cells[15], CultureInfo.InvariantCulture)).Single();
}
