using VtdEmu.Registers;

namespace VtdEmu.Translation;

/// <summary>
/// The latched root-table pointer (RTADDR as of the last SRTP; VT-d spec §10.4.6 / §11.4.6):
/// <paramref name="Address"/> is RTA (bits 63:12 of RTADDR, as a physical address) and
/// <paramref name="Mode"/> the 2-bit TTM field (00 legacy, 01 scalable, 10 reserved, 11 abort-DMA).
/// </summary>
public readonly record struct RootPointer(ulong Address, TranslationTableMode Mode)
{
    /// <summary>A legacy-mode root pointer.</summary>
    public static RootPointer Legacy(ulong address) => new(address, TranslationTableMode.Legacy);

    /// <summary>A scalable-mode root pointer.</summary>
    public static RootPointer Scalable(ulong address) => new(address, TranslationTableMode.Scalable);
}
