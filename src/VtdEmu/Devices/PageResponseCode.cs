namespace VtdEmu.Devices;

/// <summary>
/// Response Code of a page group response (page_grp_resp_dsc QW0 15:12, VT-d spec ch. 7, page group response descriptor, the PCIe PRG
/// response codes). Every other value is reserved; spec-notes/page-requests.md §4.
/// </summary>
public enum PageResponseCode : byte
{
    /// <summary>0000b: the pages were made available; the device retries its translation requests.</summary>
    Success = 0x0,

    /// <summary>0001b: Invalid Request — the request cannot be serviced; the device does not retry.</summary>
    InvalidRequest = 0x1,

    /// <summary>1111b: Response Failure — the device disables its page request interface.</summary>
    ResponseFailure = 0xF,
}
