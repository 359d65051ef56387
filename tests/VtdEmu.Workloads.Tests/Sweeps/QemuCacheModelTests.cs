using VtdEmu.Caches;
using VtdEmu.Workloads.Sweeps;
using VtdEmu.Workloads.Timing;

namespace VtdEmu.Workloads.Tests.Sweeps;

/// <summary>
/// The qemu preset's caches (spec-notes/deviations-from-qemu.md, "The qemu cache model"): one IOTLB of
/// 1,024 entries emptied when full, no paging-structure cache.
/// </summary>
public sealed class QemuCacheModelTests
{
    [Fact]
    public void The_qemu_preset_has_qemus_caches_and_says_its_timing_is_uncalibrated()
    {
        WorkbenchPreset qemu = WorkbenchPreset.Find("qemu")!;

        Assert.Equal(CacheGeometry.FullyAssociative(1024, ReplacementPolicy.FlushWhenFull), qemu.Caches.Iotlb);
        Assert.Null(qemu.Caches.IotlbLargePages);
        Assert.False(qemu.Caches.PagingStructureCache.IsEnabled);
        Assert.False(qemu.Timing.Calibrated);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public void A_window_within_1024_pages_always_hits_once_warm(int pages)
    {
        SweepResult result = Run(pages, "qemu");

        Assert.Equal(pages, result.Walks);   // one walk per page, never flushed
    }

    [Theory]
    [InlineData(1536)]
    [InlineData(2048)]
    [InlineData(8192)]
    public void Random_accesses_over_more_pages_hit_as_a_table_emptied_when_full_predicts(int pages)
    {
        // Uniform random pages, capacity C: a cycle runs from 1 held page to C, then a miss empties the
        // table. Holding k pages, a miss comes after k/(N-k) hits on average, so per cycle there are C
        // misses and sum k/(N-k) hits.
        const int Capacity = 1024;
        double hits = Enumerable.Range(1, Capacity).Sum(k => (double)k / (pages - k));
        double expected = hits / (hits + Capacity);

        SweepResult qemu = Run(pages, "qemu");
        SweepResult lru = Run(pages, "qemu", ReplacementPolicy.Lru);

        Assert.InRange(qemu.IotlbHitRate, expected - 0.02, expected + 0.02);
        Assert.InRange(lru.IotlbHitRate, ((double)Capacity / pages) - 0.02, ((double)Capacity / pages) + 0.02);
        Assert.True(qemu.IotlbHitRate < lru.IotlbHitRate);
    }

    private static SweepResult Run(int pages, string preset, ReplacementPolicy? policy = null) =>
        SweepRunner.Run(new SweepGrid
        {
            Presets = [preset],
            IotlbPolicies = [policy],
            Windows = [(ulong)pages * 4096],
            Dmas = 1 << 17,
        }.Points()[0]);
}
