namespace VtdEmu.Registers;

/// <summary>GSTS_REG status bits (offset 0x1C; VT-d spec §11.4.5), read-only, same positions as <see cref="GlobalCommand"/>.</summary>
[Flags]
public enum GlobalStatus : uint
{
    None = 0,

    /// <summary>23: compatibility format interrupts pass through.</summary>
    CFIS = 1u << 23,

    /// <summary>24: interrupt remap table pointer latched.</summary>
    IRTPS = 1u << 24,

    /// <summary>25: interrupt remapping enabled.</summary>
    IRES = 1u << 25,

    /// <summary>26: queued invalidation enabled.</summary>
    QIES = 1u << 26,

    /// <summary>27: write buffer flush in progress (1 while flushing, 0 when done).</summary>
    WBFS = 1u << 27,

    /// <summary>28: advanced fault logging enabled.</summary>
    AFLS = 1u << 28,

    /// <summary>29: fault log pointer latched.</summary>
    FLS = 1u << 29,

    /// <summary>30: root table pointer latched.</summary>
    RTPS = 1u << 30,

    /// <summary>31: DMA remapping enabled.</summary>
    TES = 1u << 31,
}
