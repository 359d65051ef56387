namespace VtdEmu.Caches.Internal;

/// <summary>
/// One cache's hit and miss counters: two slots of a <see cref="CounterBlock"/> (the unit's shared
/// block, or a block of its own for a cache built alone). Exactness rules: spec-notes/caching.md.
/// </summary>
internal sealed class LookupCounters(CounterBlock block, int hitSlot)
{
    /// <summary>Counters in a block of their own.</summary>
    public LookupCounters()
        : this(new CounterBlock(), 0)
    {
    }

    public void Count(bool hit) => block.Current.Lookup(hitSlot, hit);

    public void Hit() => Count(hit: true);

    public void Miss() => Count(hit: false);

    public long Hits => block.Sum(hitSlot);

    public long Misses => block.Sum(hitSlot + 1);

    public void Reset() => block.Reset(hitSlot, 2);
}
