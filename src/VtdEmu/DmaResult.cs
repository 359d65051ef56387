using VtdEmu.Faults;

namespace VtdEmu;

/// <summary>
/// The outcome of one DMA transfer by a device: how many bytes completed before anything stopped it,
/// and what stopped it. A transfer is translated page by page in address order; the first page that
/// is blocked ends it (earlier pages have already been transferred, as on a real bus).
/// </summary>
/// <param name="Status">Completed, or what ended the transfer.</param>
/// <param name="BytesTransferred">Bytes moved before the transfer ended.</param>
/// <param name="Fault">The remapping fault when <paramref name="Status"/> is <see cref="DmaStatus.Faulted"/>.</param>
/// <param name="StoppedAt">The IOVA of the first byte not transferred (the transfer's end when it completed).</param>
public readonly record struct DmaResult(DmaStatus Status, ulong BytesTransferred, FaultReason Fault, ulong StoppedAt)
{
    /// <summary>True when every byte was transferred.</summary>
    public bool IsCompleted => Status == DmaStatus.Completed;

    public override string ToString() => Status switch
    {
        DmaStatus.Completed => $"completed {BytesTransferred} bytes",
        DmaStatus.Faulted => $"fault 0x{(byte)Fault:x2} ({Fault}) at 0x{StoppedAt:x} after {BytesTransferred} bytes",
        _ => $"{Status} at 0x{StoppedAt:x} after {BytesTransferred} bytes",
    };
}
