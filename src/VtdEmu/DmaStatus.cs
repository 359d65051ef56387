namespace VtdEmu;

/// <summary>How a device's DMA transfer ended.</summary>
public enum DmaStatus
{
    /// <summary>Every byte was transferred.</summary>
    Completed,

    /// <summary>The remapping unit blocked a page of the transfer with a fault (recorded or not).</summary>
    Faulted,

    /// <summary>The unit is in abort-DMA mode (RTADDR.TTM = 11b): blocked, nothing recorded.</summary>
    Aborted,

    /// <summary>
    /// The translated address is not RAM: the platform completes the request as an Unsupported Request
    /// (reads return no data, writes are dropped). This is not a remapping fault and is not recorded.
    /// </summary>
    UnsupportedRequest,
}
