using VtdEmu.Faults;

namespace VtdEmu.Scenarios;

/// <summary>
/// How a device's DMA ended: completed (<see cref="FaultReason.None"/>) or blocked with the fault
/// reason the remapping unit determined — whether or not the fault was recorded (fault processing
/// disabled or FPD set still blocks the request).
/// </summary>
/// <param name="Fault">The fault reason; <see cref="FaultReason.None"/> when the DMA completed.</param>
public readonly record struct DmaOutcome(FaultReason Fault)
{
    /// <summary>A completed DMA.</summary>
    public static DmaOutcome Ok => default;

    public bool IsOk => Fault == FaultReason.None;

    /// <summary><c>ok</c> or <c>fault XX</c> with the two-digit hex fault reason code.</summary>
    public override string ToString() => IsOk ? "ok" : $"fault {(byte)Fault:x2}";
}
