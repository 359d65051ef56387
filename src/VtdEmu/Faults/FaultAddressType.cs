namespace VtdEmu.Faults;

/// <summary>FRCD.AT (bits 125:124): the PCIe address type of the faulting request.</summary>
public enum FaultAddressType : byte
{
    /// <summary>00b: untranslated request.</summary>
    Untranslated = 0b00,

    /// <summary>01b: translation request (ATS).</summary>
    TranslationRequest = 0b01,

    /// <summary>10b: translated request.</summary>
    Translated = 0b10,
}
