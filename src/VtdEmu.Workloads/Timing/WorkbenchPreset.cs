using VtdEmu.Caches;
using VtdEmu.Registers;

namespace VtdEmu.Workloads.Timing;

/// <summary>
/// A platform for the workbench: the unit's registers (a <see cref="UnitConfiguration"/> preset), its
/// cache geometry and its timing parameters, with where each came from (spec-notes/timing.md).
/// </summary>
/// <param name="Unit">VER/CAP/ECAP preset.</param>
/// <param name="Caches">Cache geometry.</param>
/// <param name="Timing">Timing-model parameters.</param>
/// <param name="Source">Where the geometry and timing come from, in a few words.</param>
public sealed record WorkbenchPreset(UnitConfiguration Unit, TranslationCacheOptions Caches, TimingParameters Timing, string Source)
{
    /// <summary>
    /// Broadwell-EP (Xeon E5-2630 v4) with a Netronome NFP-6000 on PCIe Gen3 x8: fitted to pcie-bench's
    /// Cold runs (spec-notes/timing.md, "Calibration"). 64 IOTLB entries: the reach (256 KiB of 4 KiB
    /// pages) at which pcie-bench's throughput starts to fall; associativity is not public (4-way assumed).
    /// </summary>
    public static WorkbenchPreset Broadwell { get; } = new(
        UnitConfiguration.Broadwell,
        new TranslationCacheOptions { Iotlb = new CacheGeometry(64, 4) },
        new TimingParameters(BaseLatencyNs: 612, IotlbHitNs: 0, TableReadNs: 291, Walkers: 6, DmasInFlight: 33.4, new PcieLink(3, 8), Calibrated: true),
        "calibrated: pcie-bench Broadwell, NFP-6000 Gen3 x8");

    /// <summary>
    /// QEMU's intel-iommu caches on the <c>qemu</c> registers: one IOTLB for every page size, a hash of
    /// up to 1,024 entries emptied completely when a fill finds it full (modelled fully associative with
    /// <see cref="ReplacementPolicy.FlushWhenFull"/>), and no paging-structure cache, so every miss walks
    /// from the top level (spec-notes/deviations-from-qemu.md, "The qemu cache model"). The timing is
    /// Broadwell's, marked uncalibrated: QEMU's own speed is the host's, not a device's.
    /// </summary>
    public static WorkbenchPreset Qemu { get; } = new(
        UnitConfiguration.Qemu,
        new TranslationCacheOptions
        {
            Iotlb = CacheGeometry.FullyAssociative(QemuIotlbEntries, ReplacementPolicy.FlushWhenFull),
            IotlbLargePages = null,
            PagingStructureCache = CacheGeometry.Disabled,
        },
        Broadwell.Timing with { Calibrated = false },
        "uncalibrated: QEMU's caches (1,024-entry IOTLB emptied when full, no paging-structure cache), broadwell timing");

    /// <summary>The size limit of QEMU's IOTLB hash table.</summary>
    public const int QemuIotlbEntries = 1024;

    /// <summary>The presets without measurements: the model's default cache geometry and Broadwell's timing, marked uncalibrated.</summary>
    public static WorkbenchPreset Uncalibrated(UnitConfiguration unit) => new(
        unit,
        new TranslationCacheOptions(),
        Broadwell.Timing with { Calibrated = false },
        "uncalibrated: model default caches, broadwell timing");

    /// <summary>Every preset by name: broadwell calibrated, qemu with QEMU's caches, the others uncalibrated.</summary>
    public static WorkbenchPreset? Find(string name)
    {
        UnitConfiguration? unit = UnitConfiguration.FindPreset(name);
        return unit is null ? null
            : unit == UnitConfiguration.Broadwell ? Broadwell
            : unit == UnitConfiguration.Qemu ? Qemu
            : Uncalibrated(unit);
    }
}
