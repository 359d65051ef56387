using VtdEmu.Workloads.Timing;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>One point's functional counts and modelled timing.</summary>
/// <param name="Point">The point.</param>
/// <param name="Translations">Translations made (a DMA crossing a 4 KiB boundary makes one per piece; 0 with translation off).</param>
/// <param name="IotlbHitRate">IOTLB hits / (hits + misses), 0-1; NaN when nothing was looked up.</param>
/// <param name="Walks">Page walks.</param>
/// <param name="TableReadsPerDma">Translation-structure reads per DMA.</param>
/// <param name="Faults">Translations that faulted (0 with the default setup).</param>
/// <param name="Timing">The timing model's figures.</param>
/// <param name="Calibrated">Whether the preset's timing is calibrated.</param>
public sealed record SweepResult(
    SweepPoint Point,
    long Translations,
    double IotlbHitRate,
    long Walks,
    double TableReadsPerDma,
    long Faults,
    TimingResult Timing,
    bool Calibrated);
