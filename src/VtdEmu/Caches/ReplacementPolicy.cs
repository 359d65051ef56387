namespace VtdEmu.Caches;

/// <summary>Which valid way of a full set a fill replaces. Invalid ways are always used first.</summary>
public enum ReplacementPolicy : byte
{
    /// <summary>Least recently used (exact per set when used from one thread).</summary>
    Lru = 0,

    /// <summary>Tree pseudo-LRU, the usual hardware approximation; needs a power-of-two way count.</summary>
    TreePlru = 1,

    /// <summary>Pseudo-random victim from a fixed-seed xorshift generator: deterministic for a given fill sequence.</summary>
    Random = 2,

    /// <summary>
    /// No victim: a fill that finds its set full first empties the whole cache, then fills. This is
    /// QEMU's IOTLB (a hash table reset when it holds 1,024 entries), modelled fully associative so the
    /// set is the whole cache (spec-notes/deviations-from-qemu.md, "The qemu cache model").
    /// </summary>
    FlushWhenFull = 3,
}
