namespace VtdEmu.Workloads.Scenarios;

/// <summary>The direction of a DMA, as a trace writes it (<c>R</c> or <c>W</c>).</summary>
public enum DmaDirection
{
    /// <summary><c>R</c>: the device reads memory.</summary>
    Read,

    /// <summary><c>W</c>: the device writes memory.</summary>
    Write,
}
