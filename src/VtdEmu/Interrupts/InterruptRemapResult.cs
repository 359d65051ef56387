using VtdEmu.Faults;

namespace VtdEmu.Interrupts;

/// <summary>
/// The outcome of one interrupt request (VT-d spec §5.1.4, §5.2): what was delivered, or the fault.
/// </summary>
/// <param name="Status">Delivered, posted or blocked.</param>
/// <param name="Interrupt">The interrupt delivered; for a posted request the notification event (valid when <paramref name="Notified"/>).</param>
/// <param name="Fault">The interrupt-remapping fault reason (0x20–0x27) of a blocked request; <see cref="FaultReason.None"/> otherwise.</param>
/// <param name="Index">The interrupt index of a remappable request (-1 for a compatibility-format one).</param>
/// <param name="Remapped">True when the request went through an IRTE (false: passed through untranslated).</param>
/// <param name="Notified">Posted requests: a notification event was generated (ON was clear and SN clear or URG set).</param>
/// <param name="Suppressed">Blocked requests: the fault was not recorded because the IRTE had FPD = 1.</param>
public readonly record struct InterruptRemapResult(
    InterruptStatus Status,
    ApicInterrupt Interrupt = default,
    FaultReason Fault = FaultReason.None,
    int Index = -1,
    bool Remapped = false,
    bool Notified = false,
    bool Suppressed = false)
{
    /// <summary>Whether anything reached the APIC bus.</summary>
    public bool DeliveredAnything => Status == InterruptStatus.Delivered || Notified;

    public override string ToString() => Status switch
    {
        InterruptStatus.Delivered => $"delivered {Interrupt}{(Remapped ? $" (IRTE {Index})" : " (compatibility)")}",
        InterruptStatus.Posted => Notified ? $"posted (IRTE {Index}), notification {Interrupt}" : $"posted (IRTE {Index}), no notification",
        _ => $"fault {(byte)Fault:x2}{(Suppressed ? " (FPD)" : string.Empty)}",
    };
}
