namespace VtdEmu.Devices;

/// <summary>
/// One page request a device sends after a translation completion that granted too little (PCIe PRI;
/// VT-d spec §7.4): the fields the unit copies into a page request descriptor (page_req_dsc, §7.4.1.1).
/// </summary>
/// <param name="SourceId">RID: the requester.</param>
/// <param name="Address">The page (bits 63:12 kept).</param>
/// <param name="Read">RDR: read access requested.</param>
/// <param name="Write">WRR: write access requested.</param>
/// <param name="LastInGroup">LPIG: the last request of its page request group; the group is answered once, after it.</param>
/// <param name="GroupIndex">PRG index (9 bits).</param>
/// <param name="Pasid">The PASID the request carried; null for a request without PASID.</param>
/// <param name="Execute">EXE: execute access requested (with a PASID only).</param>
/// <param name="Privileged">PM: privileged-mode access requested (with a PASID only).</param>
public readonly record struct PageRequest(
    ushort SourceId,
    ulong Address,
    bool Read,
    bool Write,
    bool LastInGroup,
    ushort GroupIndex,
    uint? Pasid = null,
    bool Execute = false,
    bool Privileged = false);
