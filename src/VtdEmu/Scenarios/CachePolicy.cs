namespace VtdEmu.Scenarios;

/// <summary>Replacement policy of a set-associative cache, as a scenario or replay names it.</summary>
public enum CachePolicy
{
    /// <summary><c>lru</c>: evict the least recently used way of the set.</summary>
    Lru,

    /// <summary><c>fifo</c>: evict the oldest filled way of the set.</summary>
    Fifo,

    /// <summary><c>random</c>: evict a way chosen by a fixed-seed generator (deterministic run to run).</summary>
    Random,
}
