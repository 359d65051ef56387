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

    /// <summary>
    /// The most entries one cache array may have (1,048,576): far above any real unit, and a bound on
    /// what a host setting can make the model allocate (spec-notes/caching.md, "Geometry limits").
    /// </summary>
    public const int MaxEntries = 1 << 20;

    /// <summary>
    /// Why this geometry cannot be built, as a user-facing message naming the limit, or null when it
    /// can. The one check behind every front door: scenario directives, command-line flags and
    /// <see cref="Validate"/> (which the caches call) all use it.
    /// </summary>
    public string? Check()
    {
        if (Entries == 0)
        {
            return null;
        }

        if (Entries is < 0 or > MaxEntries)
        {
            return $"entries={Entries} is outside 0 to {MaxEntries}";
        }

        if (Ways < 1 || Ways > Entries || Entries % Ways != 0)
        {
            return $"entries={Entries} is not a multiple of ways={Ways}";
        }

        if (!int.IsPow2(Entries / Ways))
        {
            return $"entries={Entries} / ways={Ways} is not a power-of-two set count";
        }

        if (Policy == ReplacementPolicy.TreePlru && !int.IsPow2(Ways))
        {
            return $"policy=plru needs a power-of-two way count, found ways={Ways}";
        }

        return Policy == ReplacementPolicy.Random && Seed == 0 ? "policy=random needs a nonzero seed" : null;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with <see cref="Check"/>'s message unless the geometry is buildable (host configuration, not guest input).</summary>
    public void Validate()
    {
        if (Check() is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(Entries), this, problem);
        }
    }
}
