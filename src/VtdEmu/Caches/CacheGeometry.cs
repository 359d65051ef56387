namespace VtdEmu.Caches;

/// <summary>
/// Size and organisation of one cache array: <see cref="Entries"/> slots split into sets of
/// <see cref="Ways"/> ways. <c>Ways == 1</c> is direct-mapped, <c>Ways == Entries</c> fully
/// associative, <c>Entries == 0</c> disables the cache (every lookup misses, fills are dropped).
/// The set count (Entries / Ways) must be a power of two; sets are indexed by the low bits of the
/// tag's page or source-id number, as hardware does.
/// </summary>
/// <param name="Entries">Total slots (0 = cache disabled).</param>
/// <param name="Ways">Associativity, 1..Entries, dividing Entries.</param>
/// <param name="Policy">Victim choice within a full set.</param>
/// <param name="Seed">Seed of the <see cref="ReplacementPolicy.Random"/> generator (nonzero).</param>
public readonly record struct CacheGeometry(int Entries, int Ways, ReplacementPolicy Policy = ReplacementPolicy.Lru, ulong Seed = 0x9E37_79B9_7F4A_7C15)
{
    /// <summary>A disabled cache.</summary>
    public static CacheGeometry Disabled => new(0, 1);

    /// <summary>A fully associative cache of <paramref name="entries"/> slots.</summary>
    public static CacheGeometry FullyAssociative(int entries, ReplacementPolicy policy = ReplacementPolicy.Lru) => new(entries, entries, policy);

    /// <summary>A direct-mapped cache of <paramref name="entries"/> slots.</summary>
    public static CacheGeometry DirectMapped(int entries) => new(entries, 1);

    /// <summary>Whether the cache holds anything at all.</summary>
    public bool IsEnabled => Entries > 0;

    /// <summary>Number of sets (0 when disabled).</summary>
    public int Sets => Entries == 0 ? 0 : Entries / Ways;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the geometry is buildable (host configuration, not guest input).</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Entries);
        if (Entries == 0)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Ways, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Ways, Entries);
        if (Entries % Ways != 0 || !int.IsPow2(Entries / Ways))
        {
            throw new ArgumentOutOfRangeException(nameof(Ways), "Entries / Ways must be a power-of-two set count.");
        }

        if (Policy == ReplacementPolicy.TreePlru && !int.IsPow2(Ways))
        {
            throw new ArgumentOutOfRangeException(nameof(Ways), "Tree-PLRU needs a power-of-two way count.");
        }

        if (Policy == ReplacementPolicy.Random && Seed == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Seed), "The xorshift seed must be nonzero.");
        }
    }
}
