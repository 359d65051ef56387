namespace VtdEmu.Translation;

/// <summary>AT, the PCIe address type of a DMA request (VT-d spec §3.x, PCIe ATS); values match the AT encoding.</summary>
public enum AddressType : byte
{
    /// <summary>00b: an untranslated request (the address is an IOVA).</summary>
    Untranslated = 0,

    /// <summary>01b: an ATS translation request (the device asks for a translation for its device-TLB).</summary>
    TranslationRequest = 1,

    /// <summary>10b: a translated request (the address came from the device-TLB and is already host physical).</summary>
    Translated = 2,
}
