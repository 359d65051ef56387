using VtdEmu.Caches;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>
/// The axes of a sweep, each a list of values; <see cref="Points"/> is their product in a fixed order
/// (preset outermost, then translation, IOTLB entries, ways, policy, page size, pattern, access size,
/// direction, window innermost) and <see cref="Shard"/> a deterministic slice of it.
/// </summary>
public sealed record SweepGrid
{
    public IReadOnlyList<string> Presets { get; init; } = ["broadwell"];

    public IReadOnlyList<bool> Translation { get; init; } = [true];

    /// <summary>IOTLB entries; null means the preset's.</summary>
    public IReadOnlyList<int?> IotlbEntries { get; init; } = [null];

    public IReadOnlyList<int?> IotlbWays { get; init; } = [null];

    public IReadOnlyList<ReplacementPolicy?> IotlbPolicies { get; init; } = [null];

    public IReadOnlyList<PageSize> PageSizes { get; init; } = [PageSize.Size4K];

    public IReadOnlyList<SweepPattern> Patterns { get; init; } = [SweepPattern.Random];

    /// <summary>Trace files, used when <see cref="Patterns"/> holds <see cref="SweepPattern.Trace"/>.</summary>
    public IReadOnlyList<string> Traces { get; init; } = [];

    public IReadOnlyList<ulong> Windows { get; init; } = [1UL << 20];

    public IReadOnlyList<int> AccessSizes { get; init; } = [64];

    public IReadOnlyList<DmaDirection> Directions { get; init; } = [DmaDirection.Read];

    public long Dmas { get; init; } = 1 << 20;

    public ulong Stride { get; init; } = 4096;

    public double ZipfExponent { get; init; } = 0.99;

    public ulong Seed { get; init; } = 1;

    /// <summary>Every point of the grid, indexed in order. A trace point ignores the window and the access size axes.</summary>
    public IReadOnlyList<SweepPoint> Points()
    {
        var points = new List<SweepPoint>();
        foreach (string preset in Presets)
        {
            foreach (bool translation in Translation)
            {
                foreach (int? entries in IotlbEntries)
                {
                    foreach (int? ways in IotlbWays)
                    {
                        foreach (ReplacementPolicy? policy in IotlbPolicies)
                        {
                            foreach (PageSize pageSize in PageSizes)
                            {
                                foreach (SweepPattern pattern in Patterns)
                                {
                                    var template = new SweepPoint(0, preset, translation, entries, ways, policy, pageSize, pattern, 0, 0, DmaDirection.Read, Dmas, Stride, ZipfExponent, null, Seed);
                                    if (pattern == SweepPattern.Trace)
                                    {
                                        points.AddRange(Traces.Select(trace => template with { TracePath = trace, Dmas = 0, AccessSize = 0 }));
                                        continue;
                                    }

                                    foreach (int size in AccessSizes)
                                    {
                                        foreach (DmaDirection direction in Directions)
                                        {
                                            points.AddRange(Windows.Select(window => template with { WindowBytes = window, AccessSize = size, Direction = direction }));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return [.. points.Select((point, index) => point with { Index = index })];
    }

    /// <summary>Shard <paramref name="shard"/> of <paramref name="count"/> (1-based): the points whose index is shard - 1 modulo count.</summary>
    public static IReadOnlyList<SweepPoint> Shard(IReadOnlyList<SweepPoint> points, int shard, int count)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shard, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shard, count);
        return [.. points.Where(p => p.Index % count == shard - 1)];
    }
}
