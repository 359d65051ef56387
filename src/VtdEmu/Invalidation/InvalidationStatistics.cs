namespace VtdEmu.Invalidation;

/// <summary>
/// A snapshot of one unit's invalidation counters (register-based, queued and implicit SRTP/SIRTP
/// invalidations; spec-notes/invalidation.md §7). Taken under the unit's state lock, so it is
/// consistent across counters.
/// </summary>
public sealed class InvalidationStatistics
{
    internal const int RequestCount = (int)InvalidationRequest.InterruptEntryIndex + 1;

    internal const int SourceCount = (int)InvalidationSource.TablePointer + 1;

    private readonly long[] _performed;

    internal InvalidationStatistics(long[] performed, in InvalidationTotals totals)
    {
        _performed = performed;
        DescriptorsProcessed = totals.DescriptorsProcessed;
        WaitsCompleted = totals.WaitsCompleted;
        WaitsAborted = totals.WaitsAborted;
        RegisterRequestsNotPerformed = totals.RegisterRequestsNotPerformed;
        Coarsened = totals.Coarsened;
        QueueErrors = totals.QueueErrors;
        Timeouts = totals.Timeouts;
        CompletionErrors = totals.CompletionErrors;
        WriteBufferFlushes = totals.WriteBufferFlushes;
        EntriesRemoved = totals.EntriesRemoved;
    }

    /// <summary>Descriptors fetched, validated and executed (IQH moved past them).</summary>
    public long DescriptorsProcessed { get; }

    /// <summary>inv_wait descriptors that completed (status write / IWC as requested).</summary>
    public long WaitsCompleted { get; }

    /// <summary>inv_wait descriptors aborted by a device-TLB time-out (no status write, no IWC).</summary>
    public long WaitsAborted { get; }

    /// <summary>CCMD / IOTLB_REG requests completed with CAIG / IAIG = 00 (invalid, refused or unsupported).</summary>
    public long RegisterRequestsNotPerformed { get; }

    /// <summary>Requests performed at a coarser granularity than asked (page-selective with CAP.PSI = 0).</summary>
    public long Coarsened { get; }

    /// <summary>FSTS.IQE events (one per stop, whatever the IQEI).</summary>
    public long QueueErrors { get; }

    /// <summary>Device-TLB invalidations that timed out (ITE).</summary>
    public long Timeouts { get; }

    /// <summary>Device-TLB invalidations answered by a bad completion (ICE).</summary>
    public long CompletionErrors { get; }

    /// <summary>Implicit write-buffer flushes (CAP.RWBF = 1) before a register-based or queued invalidation.</summary>
    public long WriteBufferFlushes { get; }

    /// <summary>Cache entries removed by all invalidations together.</summary>
    public long EntriesRemoved { get; }

    /// <summary>How many invalidations of <paramref name="request"/> (performed granularity) came from <paramref name="source"/>.</summary>
    public long Performed(InvalidationSource source, InvalidationRequest request)
    {
        if ((uint)source >= SourceCount || (uint)request >= RequestCount)
        {
            return 0;
        }

        return _performed[((int)source * RequestCount) + (int)request];
    }
}
