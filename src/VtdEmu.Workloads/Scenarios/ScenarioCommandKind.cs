namespace VtdEmu.Workloads.Scenarios;

/// <summary>The commands of the scenario format (tests/vectors/README.md).</summary>
public enum ScenarioCommandKind
{
    /// <summary><c>mmio-read32 OFF</c>: a 32-bit read of the remapping unit's register block.</summary>
    MmioRead32,

    /// <summary><c>mmio-read64 OFF</c>.</summary>
    MmioRead64,

    /// <summary><c>mmio-write32 OFF VALUE</c>.</summary>
    MmioWrite32,

    /// <summary><c>mmio-write64 OFF VALUE</c>.</summary>
    MmioWrite64,

    /// <summary><c>mem-read32 ADDR</c>: a CPU read of guest RAM.</summary>
    MemRead32,

    /// <summary><c>mem-read64 ADDR</c>.</summary>
    MemRead64,

    /// <summary><c>mem-read ADDR LEN</c>: LEN bytes, printed in address order.</summary>
    MemRead,

    /// <summary><c>mem-write32 ADDR VALUE</c>.</summary>
    MemWrite32,

    /// <summary><c>mem-write64 ADDR VALUE</c>.</summary>
    MemWrite64,

    /// <summary><c>mem-fill ADDR LEN BYTE</c>.</summary>
    MemFill,

    /// <summary><c>dma-read BDF IOVA LEN</c>: a device reads through the remapping unit.</summary>
    DmaRead,

    /// <summary><c>dma-write BDF IOVA LEN BYTE</c>: a device writes LEN copies of BYTE through the remapping unit.</summary>
    DmaWrite,
}
