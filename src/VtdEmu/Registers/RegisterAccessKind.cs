namespace VtdEmu.Registers;

/// <summary>What kind of register access an observer is shown.</summary>
public enum RegisterAccessKind
{
    /// <summary>A valid read.</summary>
    Read,

    /// <summary>A valid write.</summary>
    Write,

    /// <summary>A read with an unsupported size, alignment or offset (a guest error; it returned all-ones).</summary>
    InvalidRead,

    /// <summary>A write with an unsupported size, alignment or offset (a guest error; it was dropped).</summary>
    InvalidWrite,
}
