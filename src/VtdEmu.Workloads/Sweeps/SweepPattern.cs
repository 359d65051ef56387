namespace VtdEmu.Workloads.Sweeps;

/// <summary>How a sweep point chooses each DMA's offset in its window.</summary>
public enum SweepPattern
{
    /// <summary>Uniformly random, aligned to the access size (pcie-bench's pattern).</summary>
    Random,

    /// <summary>Consecutive accesses, wrapping at the window's end.</summary>
    Sequential,

    /// <summary>Every access one stride after the previous, wrapping at the window's end.</summary>
    Strided,

    /// <summary>Pages drawn from a Zipf distribution (page 0 most popular), a random aligned offset within the page.</summary>
    Zipf,

    /// <summary>The accesses of a recorded trace file, in order (the window is ignored).</summary>
    Trace,
}
