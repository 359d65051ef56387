using VtdEmu.Workloads.Scenarios;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Traces;

/// <summary>
/// Writes synthetic DMA traces (sequential, strided, random working set) for replay tests and
/// IOTLB benchmarks. Deterministic: the same options give the same trace.
/// </summary>
public static class TraceGenerator
{
    /// <summary>Checks options; returns the problem or null.</summary>
    public static string? Validate(TraceGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ulong span = options.WorkingSetPages * GuestMemory.PageSize;
        return options switch
        {
            { Count: < 0 } => "count must not be negative",
            { Devices.IsDefaultOrEmpty: true } => "at least one device is needed",
            { Length: 0 } => "length must be at least 1",
            { WorkingSetPages: 0 or > (1UL << 40) } => "working set must be 1 to 2^40 pages",
            { WriteRatio: < 0 or > 1 or double.NaN } => "write ratio must be between 0 and 1",
            _ when options.Length > ScenarioParser.MaxDmaLength || options.Length > span => "length must fit in the working set and be at most 1 MiB",
            _ when options.Base > ulong.MaxValue - span => "base + working set exceeds 64 bits",
            _ => null,
        };
    }

    /// <summary>Produces the accesses; options must pass <see cref="Validate"/>.</summary>
    public static IEnumerable<TraceAccess> Generate(TraceGeneratorOptions options)
    {
        if (Validate(options) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        return Iterate(options);
    }

    /// <summary>The options as one line, e.g. <c>vtdemu trace-gen: pattern=random count=1000 ...</c> (a text trace's first comment).</summary>
    public static string Describe(TraceGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"vtdemu trace-gen: pattern={options.Pattern.ToString().ToLowerInvariant()} count={options.Count} base={ScenarioNumber.FormatAddress(options.Base)} length={options.Length} stride={ScenarioNumber.FormatAddress(options.Stride)} pages={options.WorkingSetPages} write-ratio={options.WriteRatio:0.###} seed={options.Seed}";
    }

    /// <summary>Writes the trace as text, with a header comment recording the options.</summary>
    public static void Write(TraceGeneratorOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IEnumerable<TraceAccess> accesses = Generate(options);
        output.WriteLine($"# {Describe(options)}");
        foreach (TraceAccess access in accesses)
        {
            output.WriteLine(access.ToString());
        }
    }

    /// <summary>Writes the trace through <paramref name="output"/> (any format), then completes it.</summary>
    public static void Write(TraceGeneratorOptions options, TraceWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (TraceAccess access in Generate(options))
        {
            output.Write(access);
        }

        output.Complete();
    }

    private static IEnumerable<TraceAccess> Iterate(TraceGeneratorOptions options)
    {
        // Fixed seed: System.Random with a seed is the same sequence on every run and runtime.
        var random = new Random(options.Seed);
        ulong span = options.WorkingSetPages * GuestMemory.PageSize;
        ulong lastStart = span - options.Length;
        ulong offset = 0;
        for (int i = 0; i < options.Count; i++)
        {
            if (options.Pattern == TracePattern.Random)
            {
                ulong page = (ulong)random.NextInt64((long)options.WorkingSetPages) * GuestMemory.PageSize;
                offset = Math.Min(page, lastStart);
            }

            DmaDirection direction = options.WriteRatio > 0 && random.NextDouble() < options.WriteRatio
                ? DmaDirection.Write
                : DmaDirection.Read;
            PciBdf device = options.Devices[i % options.Devices.Length];
            yield return new TraceAccess(device, options.Base + offset, options.Length, direction);

            if (options.Pattern != TracePattern.Random)
            {
                ulong step = options.Pattern == TracePattern.Sequential ? options.Length : options.Stride;
                offset = (offset + (step % span)) % span;
                if (offset > lastStart)
                {
                    offset = 0;
                }
            }
        }
    }
}
