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

    /// <summary><c>msi BDF ADDR DATA</c>: the device writes DATA to ADDR in the interrupt window (VT-d spec ch. 5).</summary>
    Msi,

    /// <summary><c>ats-translate BDF IOVA</c>: the device (with ATS) sends a translation request and caches the completion.</summary>
    AtsTranslate,

    /// <summary><c>unit N</c>: the following <c>mmio-*</c> commands address unit N's register block.</summary>
    Unit,

    /// <summary><c>page-request BDF IOVA</c>: the device (with PRI) sends a page request.</summary>
    PageRequest,

    /// <summary><c>page-response BDF PRG</c>: the last page group response the device received for PRG.</summary>
    PageResponse,
}
