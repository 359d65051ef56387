using System.Globalization;
using VtdEmu.Caches;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>One point of a sweep grid: every axis's value. <see cref="Index"/> is its place in the whole grid.</summary>
public sealed record SweepPoint(
    int Index,
    string Preset,
    bool Translation,
    int? IotlbEntries,
    int? IotlbWays,
    ReplacementPolicy? IotlbPolicy,
    PageSize PageSize,
    SweepPattern Pattern,
    ulong WindowBytes,
    int AccessSize,
    DmaDirection Direction,
    long Dmas,
    ulong Stride,
    double ZipfExponent,
    string? TracePath,
    ulong Seed)
{
    /// <summary>
    /// The seed of this point's generator: the sweep's seed mixed with every axis value (not the index),
    /// so a point gives the same accesses whichever grid or shard it runs in.
    /// </summary>
    public ulong PointSeed
    {
        get
        {
            string key = string.Join(
                '|',
                Preset,
                Translation,
                IotlbEntries,
                IotlbWays,
                IotlbPolicy,
                PageSize,
                Pattern,
                WindowBytes.ToString(CultureInfo.InvariantCulture),
                AccessSize.ToString(CultureInfo.InvariantCulture),
                Direction,
                Dmas.ToString(CultureInfo.InvariantCulture),
                Stride.ToString(CultureInfo.InvariantCulture),
                ZipfExponent.ToString("R", CultureInfo.InvariantCulture),
                TracePath);
            ulong hash = 0xCBF2_9CE4_8422_2325 ^ Seed;
            foreach (char c in key)
            {
                hash = unchecked((hash ^ c) * 0x0100_0000_01B3);
            }

            return hash == 0 ? 1 : hash;
        }
    }
}
