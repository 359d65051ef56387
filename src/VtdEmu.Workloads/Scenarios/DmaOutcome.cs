using VtdEmu.Faults;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// How a device's DMA ended: completed, blocked with the fault reason the remapping unit determined
/// (whether or not the fault was recorded: fault processing disabled or FPD set still blocks the
/// request), blocked by abort-DMA mode (RTADDR.TTM = 11b, nothing recorded), or completed by the
/// platform as an Unsupported Request because the translated address is not RAM.
/// </summary>
/// <param name="Fault">The fault reason; <see cref="FaultReason.None"/> when no remapping fault blocked the DMA.</param>
public readonly record struct DmaOutcome(FaultReason Fault)
{
    /// <summary>A completed DMA.</summary>
    public static DmaOutcome Ok => default;

    /// <summary>Blocked by abort-DMA mode: not a remapping fault, nothing recorded.</summary>
    public static DmaOutcome Aborted => new(FaultReason.None) { IsAborted = true };

    /// <summary>Translated, but the output address is not RAM: the platform answers Unsupported Request.</summary>
    public static DmaOutcome UnsupportedRequest => new(FaultReason.None) { IsUnsupportedRequest = true };

    /// <summary>True when abort-DMA mode blocked the request.</summary>
    public bool IsAborted { get; init; }

    /// <summary>True when the request was translated but hit an address that is not RAM.</summary>
    public bool IsUnsupportedRequest { get; init; }

    public bool IsOk => Fault == FaultReason.None && !IsAborted && !IsUnsupportedRequest;

    /// <summary><c>ok</c>, <c>fault XX</c> with the two-digit hex fault reason code, <c>abort</c> or <c>ur</c>.</summary>
    public override string ToString() =>
        IsAborted ? "abort"
        : IsUnsupportedRequest ? "ur"
        : Fault == FaultReason.None ? "ok"
        : $"fault {(byte)Fault:x2}";
}
