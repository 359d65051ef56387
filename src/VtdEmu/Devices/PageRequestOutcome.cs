namespace VtdEmu.Devices;

/// <summary>What the unit did with one page request (spec-notes/page-requests.md §3).</summary>
public enum PageRequestOutcome
{
    /// <summary>A descriptor was written at PQT and PQT advanced.</summary>
    Queued,

    /// <summary>The queue was full or PRS.PRO was set: dropped; a last-in-group request was answered Success by the unit.</summary>
    Overflowed,

    /// <summary>Blocked by a fault (legacy mode, PRE = 0): a last-in-group request was answered Invalid Request by the unit.</summary>
    Rejected,

    /// <summary>The descriptor could not be written (PQA outside guest memory): dropped; a last-in-group request was answered Response Failure.</summary>
    Dropped,

    /// <summary>The unit has no page request support (ECAP.PRS = 0): the message is not accepted.</summary>
    Unsupported,
}
