namespace VtdEmu.Registers;

/// <summary>PRS_REG bits (offset 0xDC; VT-d spec §11.4.11), both RW1C; spec-notes/page-requests.md §2.</summary>
[Flags]
public enum PageRequestStatus : uint
{
    None = 0,

    /// <summary>0: pending page request — the unit wrote a page request descriptor since software last cleared it.</summary>
    PPR = 1u << 0,

    /// <summary>1: page request overflow — a page request arrived while the queue was full.</summary>
    PRO = 1u << 1,
}
