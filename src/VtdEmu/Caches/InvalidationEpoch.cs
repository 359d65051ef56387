namespace VtdEmu.Caches;

/// <summary>
/// The fill rule that keeps a slow walk from re-inserting what an invalidation removed
/// (spec-notes/caching.md, "the epoch/fill rule"). Invalidations are serialised by the owner and
/// make the value odd while they remove entries and even again before they return. The translate
/// path reads the value before it looks anything up or reads guest memory; a fill made with that
/// observation is accepted only if the value is still the same even number, checked under the
/// cache's writer lock — the same lock the removal takes, so a fill either lands before the removal
/// (and is removed by it) or sees the changed value (and is dropped).
/// </summary>
internal sealed class InvalidationEpoch
{
    private long _value;

    /// <summary>The value to quote to a later <see cref="IsCurrent"/>.</summary>
    public long Observe() => Volatile.Read(ref _value);

    /// <summary>True when no invalidation began since <paramref name="observed"/> was read and none was in progress then.</summary>
    public bool IsCurrent(long observed) => (observed & 1) == 0 && Volatile.Read(ref _value) == observed;

    /// <summary>An invalidation starts removing (odd value). Full fence.</summary>
    public void Begin() => Interlocked.Increment(ref _value);

    /// <summary>The invalidation has removed everything it will (even value). Full fence.</summary>
    public void End() => Interlocked.Increment(ref _value);
}
