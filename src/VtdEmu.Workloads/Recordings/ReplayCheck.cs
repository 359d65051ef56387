namespace VtdEmu.Workloads.Recordings;

/// <summary>What a <see cref="ReplayMismatch"/> compared.</summary>
public enum ReplayCheck
{
    /// <summary>The recording could not be replayed (bad CAP/ECAP, unreadable image, queue outside RAM, …).</summary>
    Setup,

    /// <summary>A register at reset against regs-reset.txt.</summary>
    ResetRegister,

    /// <summary>An <c>R</c> line of mmio.trace against the model's read.</summary>
    Read,

    /// <summary>A descriptor of qi.trace against what the model's queue processed.</summary>
    Descriptor,

    /// <summary>A register at the end against regs-final.txt.</summary>
    FinalRegister,

    /// <summary>A line of translations.trace against the final tables.</summary>
    Translation,

    /// <summary>A present IRTE of mem-decode.txt against the final IRT.</summary>
    InterruptEntry,

    /// <summary>An MSI from a recorded device against its IRTE.</summary>
    Interrupt,
}
