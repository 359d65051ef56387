namespace VtdEmu.Invalidation;

/// <summary>Scalar invalidation counters (mutable; owned by <see cref="InvalidationEngine"/> under the unit's state lock).</summary>
internal struct InvalidationTotals
{
    public long DescriptorsProcessed;
    public long WaitsCompleted;
    public long WaitsAborted;
    public long RegisterRequestsNotPerformed;
    public long Coarsened;
    public long QueueErrors;
    public long Timeouts;
    public long CompletionErrors;
    public long WriteBufferFlushes;
    public long EntriesRemoved;
}
