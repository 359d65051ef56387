namespace VtdEmu.Registers;

/// <summary>FSTS_REG status bits (offset 0x34; VT-d spec §11.4.7). FRI (15:8) is a field, not a flag.</summary>
[Flags]
public enum FaultStatus : uint
{
    None = 0,

    /// <summary>0: primary fault overflow (RW1C).</summary>
    PFO = 1u << 0,

    /// <summary>1: primary pending fault, the OR of every FRCD.F (RO).</summary>
    PPF = 1u << 1,

    /// <summary>2: advanced fault overflow (RW1C, AFL only).</summary>
    AFO = 1u << 2,

    /// <summary>3: advanced pending fault (RW1C, AFL only).</summary>
    APF = 1u << 3,

    /// <summary>4: invalidation queue error (RW1C).</summary>
    IQE = 1u << 4,

    /// <summary>5: invalidation completion error (RW1C, DT only).</summary>
    ICE = 1u << 5,

    /// <summary>6: invalidation time-out error (RW1C, DT only).</summary>
    ITE = 1u << 6,
}
