using VtdEmu.Faults;

namespace VtdEmu.Devices;

/// <summary>
/// The completion of one ATS translation request (PCIe ATS; VT-d spec §4.2.3): either a translation
/// (possibly with R = W = 0: no access, the device may send a page request) or an unsuccessful
/// completion (UR) carrying the fault the unit found. spec-notes/device-tlb.md §2.
/// </summary>
/// <param name="Success">A successful translation completion (which may still grant nothing).</param>
/// <param name="InputPage">The untranslated page base the completion covers.</param>
/// <param name="OutputPage">The translated page base.</param>
/// <param name="PageShift">log2 of the size the completion covers (12, 21 or 30).</param>
/// <param name="Read">R: reads allowed.</param>
/// <param name="Write">W: writes allowed.</param>
/// <param name="Fault">Unsuccessful completions: the fault; successful ones with R = W = 0: the reason no access was granted.</param>
public readonly record struct AtsCompletion(bool Success, ulong InputPage, ulong OutputPage, int PageShift, bool Read, bool Write, FaultReason Fault = FaultReason.None)
{
    /// <summary>Whether the completion grants any access (a device caches only those).</summary>
    public bool GrantsAccess => Success && (Read || Write);

    public override string ToString() => Success
        ? $"translation 0x{InputPage:x} -> 0x{OutputPage:x} size 0x{1UL << PageShift:x} {(Read ? "R" : "-")}{(Write ? "W" : "-")}"
        : $"unsuccessful (UR) fault {(byte)Fault:x2}";
}
