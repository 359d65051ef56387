namespace VtdEmu.Registers;

/// <summary>FECTL_REG / IECTL_REG bits (offsets 0x38 / 0xA0; VT-d spec §11.4.8, §11.4.18).</summary>
[Flags]
public enum EventControl : uint
{
    None = 0,

    /// <summary>30: interrupt pending (RO): a condition arrived while masked.</summary>
    IP = 1u << 30,

    /// <summary>31: interrupt mask (RW, reset 1).</summary>
    IM = 1u << 31,
}
