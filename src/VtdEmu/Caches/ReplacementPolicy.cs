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
}
