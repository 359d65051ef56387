using VtdEmu.Workloads.Scenarios;
namespace VtdEmu.Workloads.Traces;

/// <summary>The access pattern of a synthetic DMA trace.</summary>
public enum TracePattern
{
    /// <summary>Back-to-back accesses: each starts where the previous one ended.</summary>
    Sequential,

    /// <summary>Accesses <see cref="TraceGeneratorOptions.Stride"/> bytes apart.</summary>
    Strided,

    /// <summary>Uniformly random pages of a working set, fixed seed.</summary>
    Random,
}
