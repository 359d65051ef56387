namespace VtdEmu.Registers;

/// <summary>RTADDR_REG.TTM (bits 11:10): the translation table mode latched by GCMD.SRTP.</summary>
public enum TranslationTableMode
{
    /// <summary>00b: legacy mode, root and context tables.</summary>
    Legacy = 0,

    /// <summary>01b: scalable mode (requires ECAP.SMTS).</summary>
    Scalable = 1,

    /// <summary>10b: reserved; a request under it faults with 0x30.</summary>
    Reserved = 2,

    /// <summary>11b: abort-DMA mode (requires ECAP.ADMS).</summary>
    AbortDma = 3,
}
