namespace VtdEmu.Workloads.Timing;

/// <summary>
/// Collects the functional model's per-DMA cost — how many translation-structure reads each DMA's
/// translations made (0 on an IOTLB hit) — and turns it into modelled throughput and latency with
/// <see cref="Evaluate"/> (spec-notes/timing.md). Allocation-free per DMA.
/// </summary>
public sealed class TimingAccumulator
{
    /// <summary>DMAs needing this many reads or more share the last histogram bucket.</summary>
    public const int MaxReadsTracked = 63;

    private readonly long[] _byReads = new long[MaxReadsTracked + 1];

    /// <summary>DMAs added.</summary>
    public long Dmas { get; private set; }

    /// <summary>Translation-structure reads over all DMAs.</summary>
    public long TableReads { get; private set; }

    /// <summary>Adds one DMA whose translations read <paramref name="tableReads"/> structure entries in all.</summary>
    public void Add(int tableReads)
    {
        int reads = Math.Clamp(tableReads, 0, MaxReadsTracked);
        _byReads[reads]++;
        Dmas++;
        TableReads += reads;
    }

    /// <summary>
    /// The modelled figures for DMAs of <paramref name="accessSize"/> bytes: each DMA's unloaded
    /// latency is the base plus the hit time plus its reads times the read latency; throughput is the
    /// least of three bounds (Little's law on the device's DMAs in flight; the walkers' read capacity;
    /// the link); the loaded latency is Little's law again at that throughput.
    /// </summary>
    public TimingResult Evaluate(TimingParameters parameters, int accessSize, bool read, bool translated)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (Dmas == 0)
        {
            return default;
        }

        double fixedNs = parameters.BaseLatencyNs + (translated ? parameters.IotlbHitNs : 0);
        double readsPerDma = (double)TableReads / Dmas;
        double meanNs = fixedNs + (readsPerDma * parameters.TableReadNs);
        double p95Ns = fixedNs + (Percentile(0.95) * parameters.TableReadNs);

        double device = parameters.DmasInFlight / (meanNs * 1e-9);
        double walkers = readsPerDma == 0 ? double.PositiveInfinity : parameters.Walkers / (readsPerDma * parameters.TableReadNs * 1e-9);
        double link = parameters.Link.DmasPerSecond(accessSize, read);
        (double rate, string bound) = device <= walkers && device <= link ? (device, "device")
            : walkers <= link ? (walkers, "walkers")
            : (link, "link");
        return new TimingResult(rate, rate * accessSize * 8 / 1e9, meanNs, p95Ns, parameters.DmasInFlight / rate * 1e9, bound);
    }

    // The smallest read count r with at least the fraction q of DMAs needing r reads or fewer.
    private int Percentile(double q)
    {
        long threshold = (long)Math.Ceiling(q * Dmas);
        long seen = 0;
        for (int reads = 0; reads < _byReads.Length; reads++)
        {
            seen += _byReads[reads];
            if (seen >= threshold)
            {
                return reads;
            }
        }

        return MaxReadsTracked;
    }
}
