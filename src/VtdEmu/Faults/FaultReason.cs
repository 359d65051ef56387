namespace VtdEmu.Faults;

/// <summary>
/// Fault reasons recorded in FRCD.FR (bits 103:96), with the spec's codes (VT-d spec §7.1.3,
/// Table 26 in rev 4.x). Names describe the condition; the spec's condition code is in each
/// member's doc comment. See spec-notes/faults.md for qualification and check order.
/// </summary>
public enum FaultReason : byte
{
    /// <summary>No fault: the request was translated.</summary>
    None = 0x00,

    // Legacy-mode DMA remapping (0x01-0x0E).

    /// <summary>LRT.2: the root entry's present bit is clear.</summary>
    RootEntryNotPresent = 0x01,

    /// <summary>LCT.2: the context entry's present bit is clear. Qualified.</summary>
    ContextEntryNotPresent = 0x02,

    /// <summary>LCT.4.x: invalid context programming: AW not in SAGAW, TT reserved/unsupported, or the first SL table unreadable. Qualified.</summary>
    ContextEntryInvalid = 0x03,

    /// <summary>LGN.1.x: input address beyond the domain's AGAW / CAP.MGAW (or HAW for pass-through). Qualified.</summary>
    AddressBeyondWidth = 0x04,

    /// <summary>LGN.2: write request without write permission. Qualified.</summary>
    WriteDenied = 0x05,

    /// <summary>LGN.3: read request without read permission. Qualified.</summary>
    ReadDenied = 0x06,

    /// <summary>LSL.1: error reading a second-level paging entry below the first table. Qualified.</summary>
    PagingEntryAccessError = 0x07,

    /// <summary>LRT.1: error reading the root entry.</summary>
    RootEntryAccessError = 0x08,

    /// <summary>LCT.1: error reading the context entry.</summary>
    ContextEntryAccessError = 0x09,

    /// <summary>LRT.3: reserved bit set in a present root entry.</summary>
    RootEntryReserved = 0x0A,

    /// <summary>LCT.3: reserved bit set in a present context entry. Qualified.</summary>
    ContextEntryReserved = 0x0B,

    /// <summary>LSL.2: reserved bit set in a present second-level paging entry. Qualified.</summary>
    PagingEntryReserved = 0x0C,

    /// <summary>LCT.5: translation request or translated request blocked by the context entry's TT. Qualified.</summary>
    RequestTypeBlocked = 0x0D,

    /// <summary>LGN.4: output address in the interrupt range 0xFEE0_0000-0xFEEF_FFFF. Qualified.</summary>
    OutputInInterruptRange = 0x0E,

    // Interrupt remapping (0x20-0x28).

    /// <summary>Reserved field set in a remappable-format interrupt request.</summary>
    InterruptRequestReserved = 0x20,

    /// <summary>Interrupt index beyond the interrupt remapping table size.</summary>
    InterruptIndexBeyondTable = 0x21,

    /// <summary>IRTE not present. Qualified.</summary>
    IrteNotPresent = 0x22,

    /// <summary>Error reading the IRTE.</summary>
    IrteAccessError = 0x23,

    /// <summary>Reserved field set in a present IRTE. Qualified.</summary>
    IrteReserved = 0x24,

    /// <summary>Compatibility-format interrupt blocked.</summary>
    CompatibilityInterruptBlocked = 0x25,

    /// <summary>Source-id verification failed for a remapped interrupt. Qualified.</summary>
    InterruptSourceIdInvalid = 0x26,

    /// <summary>Error reading a posted-interrupt descriptor. Qualified.</summary>
    PostedDescriptorAccessError = 0x27,

    /// <summary>Reserved field set in a posted-interrupt descriptor. Qualified.</summary>
    PostedDescriptorReserved = 0x28,

    // Scalable mode (0x30-0x91).

    /// <summary>RTA.1: the latched RTADDR.TTM is reserved or unsupported.</summary>
    InvalidTranslationTableMode = 0x30,

    /// <summary>RTA.2: request with PASID while TTM selects legacy mode.</summary>
    PasidRequestInLegacyMode = 0x31,

    /// <summary>RTA.3: page request while TTM selects legacy mode.</summary>
    PageRequestInLegacyMode = 0x32,

    /// <summary>SRT.1: error reading the scalable-mode root entry.</summary>
    ScalableRootEntryAccessError = 0x38,

    /// <summary>SRT.2: the selected half (LP/UP) of the scalable-mode root entry is not present.</summary>
    ScalableRootEntryNotPresent = 0x39,

    /// <summary>SRT.3: reserved bit set in the selected half of the scalable-mode root entry.</summary>
    ScalableRootEntryReserved = 0x3A,

    /// <summary>SCT.1: error reading the scalable-mode context entry.</summary>
    ScalableContextEntryAccessError = 0x40,

    /// <summary>SCT.2: scalable-mode context entry not present. Qualified.</summary>
    ScalableContextEntryNotPresent = 0x41,

    /// <summary>SCT.3: reserved bit set in a present scalable-mode context entry. Qualified.</summary>
    ScalableContextEntryReserved = 0x42,

    /// <summary>SCT.4: invalid programming of a scalable-mode context entry. Qualified.</summary>
    ScalableContextEntryInvalid = 0x43,

    /// <summary>SCT.5: translation or translated request while DTE=0. Qualified.</summary>
    DeviceTlbDisabled = 0x44,

    /// <summary>SCT.6: request with PASID while PASIDE=0. Qualified.</summary>
    PasidDisabled = 0x45,

    /// <summary>SCT.7: request PASID beyond the PASID directory size. Qualified.</summary>
    PasidBeyondDirectory = 0x46,

    /// <summary>SCT.8: page request while PRE=0. Qualified.</summary>
    PageRequestDisabled = 0x47,

    /// <summary>SCT.9: RID_PASID field error. Qualified.</summary>
    RidPasidInvalid = 0x48,

    /// <summary>SPD.1: error reading the PASID-directory entry.</summary>
    PasidDirectoryEntryAccessError = 0x50,

    /// <summary>SPD.2: PASID-directory entry not present. Qualified.</summary>
    PasidDirectoryEntryNotPresent = 0x51,

    /// <summary>SPD.3: reserved bit set in a present PASID-directory entry. Qualified.</summary>
    PasidDirectoryEntryReserved = 0x52,

    /// <summary>SPT.1: error reading the PASID-table entry.</summary>
    PasidTableEntryAccessError = 0x58,

    /// <summary>SPT.2: PASID-table entry not present. Qualified.</summary>
    PasidTableEntryNotPresent = 0x59,

    /// <summary>SPT.3: reserved bit set in a present PASID-table entry. Qualified.</summary>
    PasidTableEntryReserved = 0x5A,

    /// <summary>SPT.4: invalid PASID-table entry programming (PGTT, AW, FLPM). Qualified.</summary>
    PasidTableEntryInvalid = 0x5B,

    /// <summary>SPT.5: execute request while ERE=0. Qualified.</summary>
    ExecuteRequestDisabled = 0x5C,

    /// <summary>SPT.6: supervisor request while SRE=0. Qualified.</summary>
    SupervisorRequestDisabled = 0x5D,

    /// <summary>SFL.1: error reading a first-level paging entry. Qualified.</summary>
    FirstLevelEntryAccessError = 0x70,

    /// <summary>SFL.2: first-level paging entry not present. Qualified.</summary>
    FirstLevelEntryNotPresent = 0x71,

    /// <summary>SFL.3: reserved bit set in a present first-level paging entry. Qualified.</summary>
    FirstLevelEntryReserved = 0x72,

    /// <summary>SFL.4: error accessing the first-level table root (FLPTPTR). Qualified.</summary>
    FirstLevelRootAccessError = 0x73,

    /// <summary>SFL.5: (nested) a first-level table's address is beyond the second level's input width. Qualified.</summary>
    NestedTableBeyondWidth = 0x74,

    /// <summary>SFL.6: (nested) the second level denies read access to the FLPTPTR table. Qualified.</summary>
    NestedRootTableReadDenied = 0x75,

    /// <summary>SFL.7: (nested) the second level denies read access to a lower first-level table. Qualified.</summary>
    NestedTableReadDenied = 0x76,

    /// <summary>SFL.8: (nested) the second level denies write access for a first-level A/D update. Qualified.</summary>
    NestedEntryUpdateWriteDenied = 0x77,

    /// <summary>SSL.1: error reading a second-level paging entry below the first table (scalable mode). Qualified.</summary>
    SecondLevelEntryAccessError = 0x78,

    /// <summary>SSL.2: second-level paging entry not present (R=W=0). Qualified.</summary>
    SecondLevelEntryNotPresent = 0x79,

    /// <summary>SSL.3: reserved bit set in a present second-level paging entry (scalable mode). Qualified.</summary>
    SecondLevelEntryReserved = 0x7A,

    /// <summary>SSL.4: error reading the first second-level table through SLPTPTR (scalable mode). Qualified.</summary>
    SecondLevelRootAccessError = 0x7B,

    /// <summary>SGN.1: first-level input address not canonical. Qualified.</summary>
    NonCanonicalAddress = 0x80,

    /// <summary>SGN.2: user request to a supervisor page. Qualified.</summary>
    UserAccessDenied = 0x81,

    /// <summary>SGN.3: execute request without execute permission. Qualified.</summary>
    ExecuteDenied = 0x82,

    /// <summary>SGN.4: address beyond the hardware maximum (e.g. pass-through input at or above 2^HAW). Qualified.</summary>
    ScalableAddressBeyondHardware = 0x83,

    /// <summary>SGN.5: input address beyond the second-level AGAW / MGAW (scalable mode). Qualified.</summary>
    ScalableAddressBeyondWidth = 0x84,

    /// <summary>SGN.6: write request without write permission (scalable mode). Qualified.</summary>
    ScalableWriteDenied = 0x85,

    /// <summary>SGN.7: read request without read permission (scalable mode). Qualified.</summary>
    ScalableReadDenied = 0x86,

    /// <summary>SGN.8: output address in the interrupt range (scalable mode). Qualified.</summary>
    ScalableOutputInInterruptRange = 0x87,
}
