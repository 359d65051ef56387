namespace VtdEmu.Workloads.Timing;

/// <summary>
/// The timing model's parameters for one platform (spec-notes/timing.md). Times in nanoseconds.
/// </summary>
/// <param name="BaseLatencyNs">A DMA's unloaded round trip when its translation hits: device, link and memory (no walk).</param>
/// <param name="IotlbHitNs">Extra time of a translated DMA whose translation hits (0 where the data cannot tell it from the base).</param>
/// <param name="TableReadNs">Latency of one memory read of a translation structure (root, context, paging entry).</param>
/// <param name="Walkers">Walks (table-read sequences) the unit keeps in flight at once.</param>
/// <param name="DmasInFlight">Requests the device keeps outstanding (its read tags / DMA engines).</param>
/// <param name="Link">The PCIe link the device sits on.</param>
/// <param name="Calibrated">Whether the figures were fitted to measurements (false: placeholders, said so in every output).</param>
public sealed record TimingParameters(
    double BaseLatencyNs,
    double IotlbHitNs,
    double TableReadNs,
    int Walkers,
    double DmasInFlight,
    PcieLink Link,
    bool Calibrated);
