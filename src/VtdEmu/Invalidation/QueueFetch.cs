namespace VtdEmu.Invalidation;

/// <summary>
/// State of one pass of the invalidation queue over the descriptors between IQH and IQT (VT-d spec
/// §6.5.2), shared by the descriptor handlers of that pass: a device-TLB time-out seen while fetching
/// aborts the waits after it, and FSTS.ITE is raised when fetching stops (§6.5.2.10).
/// </summary>
internal struct QueueFetch
{
    /// <summary>A device-TLB invalidation of this pass timed out.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Source-id of the first device that timed out (IQERCD.ITESID).</summary>
    public ushort TimeoutSourceId { get; private set; }

    /// <summary>Notes a time-out; the first one's source-id is kept.</summary>
    public void DeviceTimedOut(ushort sourceId)
    {
        if (!TimedOut)
        {
            TimedOut = true;
            TimeoutSourceId = sourceId;
        }
    }
}
