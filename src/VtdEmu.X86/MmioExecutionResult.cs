namespace VtdEmu.X86;

/// <summary>
/// Result of <see cref="MmioInstructionEmulator.Execute"/>: the status, the instruction length,
/// and the accesses that reached the device (a read, a write, or both for read-modify-write and
/// XCHG forms; none when refused).
/// </summary>
public readonly record struct MmioExecutionResult(MmioStatus Status, int InstructionLength, MmioAccess? Read, MmioAccess? Write)
{
    /// <summary>True when the instruction was performed.</summary>
    public bool IsExecuted => Status == MmioStatus.Executed;

    internal static MmioExecutionResult Refused(MmioStatus status, int length) => new(status, length, null, null);
}
