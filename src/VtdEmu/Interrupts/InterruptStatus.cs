namespace VtdEmu.Interrupts;

/// <summary>What the unit did with one interrupt request.</summary>
public enum InterruptStatus
{
    /// <summary>Delivered to the APIC bus: remapped through an IRTE, or passed through untranslated.</summary>
    Delivered,

    /// <summary>Posted: the PIR bit was set; a notification event was sent only when the descriptor allowed one.</summary>
    Posted,

    /// <summary>Blocked with an interrupt-remapping fault (recorded unless FPD suppressed it); nothing delivered.</summary>
    Blocked,
}
