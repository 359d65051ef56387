namespace VtdEmu.Tables;

/// <summary>TT, bits 3:2 of a legacy context entry: which requests the device may issue and how they are handled (VT-d spec §9.3).</summary>
public enum TranslationType
{
    /// <summary>00b: untranslated requests walk the second-level tables; translation and translated requests are blocked.</summary>
    UntranslatedOnly = 0,

    /// <summary>01b: untranslated, translation and translated requests are allowed (device-TLB; needs ECAP.DT).</summary>
    AllRequests = 1,

    /// <summary>10b: untranslated requests pass through unchanged (needs ECAP.PT); translation and translated requests are blocked.</summary>
    PassThrough = 2,

    /// <summary>11b: reserved.</summary>
    Reserved = 3,
}
