namespace VtdEmu.Caches;

/// <summary>
/// One invalidation in progress (<see cref="InvalidationEpoch.Enter"/>): while it lives the epoch is
/// odd and other invalidations wait; disposing it ends the period and releases the lock.
/// </summary>
internal ref struct InvalidationScope
{
    private readonly InvalidationEpoch _epoch;
    private Lock.Scope _held;

    internal InvalidationScope(InvalidationEpoch epoch, Lock.Scope held)
    {
        _epoch = epoch;
        _held = held;
    }

    /// <summary>Ends the invalidation (the epoch turns even when this was the outermost scope) and releases the lock.</summary>
    public void Dispose()
    {
        _epoch.Leave();
        _held.Dispose();
    }
}
