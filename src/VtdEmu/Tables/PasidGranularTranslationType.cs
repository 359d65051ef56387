namespace VtdEmu.Tables;

/// <summary>PGTT, bits 8:6 of a scalable-mode PASID-table entry: the translation the PASID uses (VT-d spec §9.6).</summary>
public enum PasidGranularTranslationType
{
    /// <summary>001b: first-level translation only (needs ECAP.FLTS).</summary>
    FirstLevel = 1,

    /// <summary>010b: second-level translation only (needs ECAP.SLTS).</summary>
    SecondLevel = 2,

    /// <summary>011b: nested first- and second-level translation (needs ECAP.NEST).</summary>
    Nested = 3,

    /// <summary>100b: pass-through (needs ECAP.PT).</summary>
    PassThrough = 4,
}
