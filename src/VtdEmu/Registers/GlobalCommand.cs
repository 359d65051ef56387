namespace VtdEmu.Registers;

/// <summary>GCMD_REG command bits (offset 0x18; VT-d spec §11.4.4). All are write-only.</summary>
[Flags]
public enum GlobalCommand : uint
{
    None = 0,

    /// <summary>23: compatibility format interrupt.</summary>
    CFI = 1u << 23,

    /// <summary>24: set interrupt remap table pointer (one-shot).</summary>
    SIRTP = 1u << 24,

    /// <summary>25: interrupt remapping enable.</summary>
    IRE = 1u << 25,

    /// <summary>26: queued invalidation enable.</summary>
    QIE = 1u << 26,

    /// <summary>27: write buffer flush (one-shot).</summary>
    WBF = 1u << 27,

    /// <summary>28: enable advanced fault logging.</summary>
    EAFL = 1u << 28,

    /// <summary>29: set fault log (one-shot).</summary>
    SFL = 1u << 29,

    /// <summary>30: set root table pointer (one-shot).</summary>
    SRTP = 1u << 30,

    /// <summary>31: translation enable.</summary>
    TE = 1u << 31,
}
