namespace VtdEmu.X86;

/// <summary>Direction of one MMIO access, as the device sees it.</summary>
public enum MmioDirection
{
    /// <summary>The CPU read from the register page.</summary>
    Read,

    /// <summary>The CPU wrote to the register page.</summary>
    Write,
}
