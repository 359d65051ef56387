using VtdEmu.Caches;
using VtdEmu.Translation;
using VtdEmu.Workloads.Mapping;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Timing;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>
/// Runs sweep points: each on a fresh platform of its preset with the default setup mapping its
/// window (or its trace's pages), its DMAs translated by the functional model one by one, and the
/// per-DMA table reads fed to the timing model.
/// </summary>
public static class SweepRunner
{
    /// <summary>The requester of synthetic points: 03:00.0.</summary>
    public const ushort SyntheticSourceId = 0x0300;

    private const ulong Chunk = 4096;

    /// <summary>Trace accesses read per batch: a trace point's memory is this, whatever the trace's length.</summary>
    private const int TraceBatch = 4096;

    /// <summary>
    /// Runs <paramref name="points"/> on up to <paramref name="parallelism"/> threads; results in the points' order.
    /// <paramref name="done"/> is called after each point. A point that cannot run throws the
    /// <see cref="SweepException"/> of the first such point in grid order (not one wrapped by the thread pool), so the
    /// same grid always reports the same error.
    /// </summary>
    public static SweepResult[] RunAll(IReadOnlyList<SweepPoint> points, int parallelism, Action? done = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var results = new SweepResult[points.Count];
        var errors = new SweepException?[points.Count];
        Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            try
            {
                results[i] = Run(points[i]);
            }
            catch (SweepException e)
            {
                errors[i] = e;
            }

            done?.Invoke();
        });
        return Array.Find(errors, e => e is not null) is { } first ? throw first : results;
    }

    /// <summary>Runs one point. Throws <see cref="SweepException"/> for a point that cannot run (bad geometry, unmappable trace).</summary>
    public static SweepResult Run(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        WorkbenchPreset preset = WorkbenchPreset.Find(point.Preset) ?? throw new SweepException($"unknown preset '{point.Preset}'");
        CacheGeometry iotlb = preset.Caches.Iotlb;
        var geometry = new CacheGeometry(point.IotlbEntries ?? iotlb.Entries, point.IotlbWays ?? iotlb.Ways, point.IotlbPolicy ?? iotlb.Policy);
        if (geometry.Check() is { } problem)
        {
            throw new SweepException($"IOTLB geometry: {problem}");
        }

        TranslationCacheOptions caches = preset.Caches with { Iotlb = geometry.Entries == 0 ? CacheGeometry.Disabled : geometry };
        var platform = new Platform(preset.Unit, caches, null, DefaultMapping.Ram);
        var timing = new TimingAccumulator();
        long faults = point.Pattern == SweepPattern.Trace ? RunTrace(point, platform, timing) : RunSynthetic(point, platform, timing);

        TranslationStatistics stats = platform.Statistics;
        long lookups = stats.IotlbHits + stats.IotlbMisses;
        TimingResult result = timing.Evaluate(preset.Timing, point.AccessSize, point.Direction == DmaDirection.Read, point.Translation);
        return new SweepResult(
            point,
            stats.Translations,
            lookups == 0 ? double.NaN : stats.IotlbHitRate,
            stats.Walks,
            timing.Dmas == 0 ? 0 : (double)timing.TableReads / timing.Dmas,
            faults,
            result,
            preset.Timing.Calibrated);
    }

    private static long RunSynthetic(SweepPoint point, Platform platform, TimingAccumulator timing)
    {
        if (DefaultMapping.Program(platform, [SyntheticSourceId], [(0, point.WindowBytes)], point.PageSize, 0, point.Translation) is { } error)
        {
            throw new SweepException(error);
        }

        RemappingUnit unit = platform.Unit;
        var generator = new OffsetGenerator(point);
        DmaAccess access = point.Direction == DmaDirection.Read ? DmaAccess.Read : DmaAccess.Write;
        long faults = 0;
        for (long i = 0; i < point.Dmas; i++)
        {
            faults += Translate(unit, SyntheticSourceId, generator.Next(), (uint)point.AccessSize, access, point.Translation, timing);
        }

        return faults;
    }

    // Two passes over the file, as replay does: the first learns the devices and the distinct pages (memory bounded by
    // TraceSummary.MaxTrackedPages, whatever the trace's length), the second translates. The trace is never held.
    private static long RunTrace(SweepPoint point, Platform platform, TimingAccumulator timing)
    {
        string path = point.TracePath!;
        var summary = new TraceSummary();
        ForEachBatch(path, batch => summary.Add(batch));
        if (summary.PagesCapped)
        {
            throw new SweepException($"{path}: the trace touches more than {TraceSummary.MaxTrackedPages} distinct 4-KiB pages, more than a sweep point maps");
        }

        if (DefaultMapping.Program(platform, summary.Devices.Select(d => d.SourceId), summary.PageRuns(), point.PageSize, 0, point.Translation) is { } error)
        {
            throw new SweepException($"{path}: {error}");
        }

        long faults = 0;
        RemappingUnit unit = platform.Unit;
        ForEachBatch(path, batch =>
        {
            foreach (TraceAccess access in batch)
            {
                DmaAccess rights = access.Direction == DmaDirection.Read ? DmaAccess.Read : DmaAccess.Write;
                faults += Translate(unit, access.Device.SourceId, access.Iova, access.Length, rights, point.Translation, timing);
            }
        });
        return faults;
    }

    private static void ForEachBatch(string path, TraceBatchAction action)
    {
        using TraceReader reader = TraceReader.TryOpen(path, out ScenarioError? openError) ?? throw new SweepException(openError!.ToString());
        var batch = new TraceAccess[TraceBatch];
        for (int n; (n = reader.ReadBatch(batch)) > 0;)
        {
            action(batch.AsSpan(0, n));
        }

        if (!reader.Completed)
        {
            throw new SweepException(reader.Error?.ToString() ?? $"{path}: the trace stops before its end");
        }
    }

    private delegate void TraceBatchAction(ReadOnlySpan<TraceAccess> batch);

    // One DMA: a translation per 4 KiB piece (as PciEndpoint splits it); returns 1 if a piece faulted.
    private static int Translate(RemappingUnit unit, ushort sourceId, ulong iova, uint length, DmaAccess access, bool translated, TimingAccumulator timing)
    {
        if (!translated)
        {
            timing.Add(0);
            return 0;
        }

        int reads = 0;
        ulong done = 0;
        do
        {
            ulong address = unchecked(iova + done);
            TranslationResult result = unit.Translate(new DmaRequest(sourceId, address, access));
            reads += result.TableReads;
            if (!result.IsSuccess)
            {
                timing.Add(reads);
                return 1;
            }

            done += Chunk - (address & (Chunk - 1));
        }
        while (done < length);
        timing.Add(reads);
        return 0;
    }
}
