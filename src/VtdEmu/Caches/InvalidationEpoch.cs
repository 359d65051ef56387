namespace VtdEmu.Caches;

/// <summary>
/// The fill rule that keeps a slow walk from re-inserting what an invalidation removed
/// (spec-notes/caching.md, "the epoch/fill rule"). Every invalidation runs inside one
/// <see cref="Enter"/> scope, which serialises invalidations and makes the value odd while they
/// remove entries and even again when the outermost scope ends. The translate path reads the value
/// before it looks anything up or reads guest memory; a fill made with that observation is accepted
/// only if the value is still the same even number, checked under the cache's writer lock — the same
/// lock the removal takes, so a fill either lands before the removal (and is removed by it) or sees
/// the changed value (and is dropped).
/// </summary>
internal sealed class InvalidationEpoch
{
    private readonly Lock _lock = new();
    private long _value;
    private int _depth;

    /// <summary>The value to quote to a later <see cref="IsCurrent"/>.</summary>
    public long Observe() => Volatile.Read(ref _value);

    /// <summary>True when no invalidation began since <paramref name="observed"/> was read and none was in progress then.</summary>
    public bool IsCurrent(long observed) => (observed & 1) == 0 && Volatile.Read(ref _value) == observed;

    /// <summary>
    /// Starts an invalidation: takes the invalidation lock and, for the outermost scope, makes the value
    /// odd. Nested scopes (a combined request calling single-cache ones) stay inside one odd period.
    /// </summary>
    public InvalidationScope Enter()
    {
        Lock.Scope held = _lock.EnterScope();
        if (_depth++ == 0)
        {
            Begin();
        }

        return new InvalidationScope(this, held);
    }

    /// <summary>An invalidation starts removing (odd value). Full fence.</summary>
    public void Begin() => Interlocked.Increment(ref _value);

    /// <summary>The invalidation has removed everything it will (even value). Full fence.</summary>
    public void End() => Interlocked.Increment(ref _value);

    /// <summary>Called by <see cref="InvalidationScope.Dispose"/> with the lock still held.</summary>
    internal void Leave()
    {
        if (--_depth == 0)
        {
            End();
        }
    }
}
