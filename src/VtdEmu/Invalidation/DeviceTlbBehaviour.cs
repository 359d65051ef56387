namespace VtdEmu.Invalidation;

/// <summary>
/// How a device answers the ATS invalidate request a device-TLB descriptor (type 3 or 8, VT-d spec
/// §6.5.2.5, §6.5.2.8) sends it. Device-TLB contents are not modelled; only the completion is.
/// </summary>
public enum DeviceTlbBehaviour
{
    /// <summary>The device returns a valid invalidation completion.</summary>
    Completes,

    /// <summary>No completion within the hardware time-out: FSTS.ITE, IQERCD.ITESID (§6.5.2.10).</summary>
    TimesOut,

    /// <summary>A completion with an invalid ITag or an unexpected one: FSTS.ICE, IQERCD.ICESID (§6.5.2.10).</summary>
    BadCompletion,
}
