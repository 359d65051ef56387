using VtdEmu.Workloads.Scenarios;
using System.Collections.Immutable;

namespace VtdEmu.Workloads.Traces;

/// <summary>What <see cref="TraceGenerator"/> produces.</summary>
public sealed record TraceGeneratorOptions
{
    public TracePattern Pattern { get; init; } = TracePattern.Sequential;

    /// <summary>Number of accesses.</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Requesters, used round-robin.</summary>
    public ImmutableArray<PciBdf> Devices { get; init; } = [new PciBdf(0, 3, 0)];

    /// <summary>First IOVA.</summary>
    public ulong Base { get; init; }

    /// <summary>Bytes per access.</summary>
    public uint Length { get; init; } = 64;

    /// <summary>Distance between accesses for <see cref="TracePattern.Strided"/>.</summary>
    public ulong Stride { get; init; } = 4096;

    /// <summary>Pages the accesses wrap around in (all patterns): IOVAs stay in <c>[Base, Base + pages × 4 KiB)</c>.</summary>
    public ulong WorkingSetPages { get; init; } = 256;

    /// <summary>Fraction of writes, 0 to 1, chosen by the seeded generator.</summary>
    public double WriteRatio { get; init; }

    /// <summary>Seed for the random pattern and the read/write choice; the same seed gives the same trace.</summary>
    public int Seed { get; init; } = 1;
}
