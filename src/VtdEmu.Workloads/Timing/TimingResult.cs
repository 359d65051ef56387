namespace VtdEmu.Workloads.Timing;

/// <summary>The timing model's output for one run (spec-notes/timing.md).</summary>
/// <param name="DmasPerSecond">Modelled DMA rate.</param>
/// <param name="GbitPerSecond">Payload rate in Gb/s (10^9 bits).</param>
/// <param name="MeanLatencyNs">Mean unloaded latency of one DMA (what a latency test issuing one DMA at a time sees).</param>
/// <param name="P95LatencyNs">95th percentile of the unloaded latency.</param>
/// <param name="LoadedLatencyNs">Mean latency at the modelled rate with the device's DMAs in flight (Little's law).</param>
/// <param name="Bound">What limits the rate: device, walkers or link.</param>
public readonly record struct TimingResult(
    double DmasPerSecond,
    double GbitPerSecond,
    double MeanLatencyNs,
    double P95LatencyNs,
    double LoadedLatencyNs,
    string Bound);
