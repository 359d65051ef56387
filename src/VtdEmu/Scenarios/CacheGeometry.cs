namespace VtdEmu.Scenarios;

/// <summary>
/// The requested geometry of one of the unit's caches (<c>iotlb entries=64 ways=4 policy=lru</c>).
/// A null member leaves the model's default in place; the target factory decides whether it can
/// build the rest.
/// </summary>
/// <param name="Entries">Total entries.</param>
/// <param name="Ways">Associativity; <see cref="Entries"/> must be a multiple of it.</param>
/// <param name="Policy">Replacement policy.</param>
public sealed record CacheGeometry(int? Entries, int? Ways, CachePolicy? Policy)
{
    /// <summary>Nothing requested: the model's defaults.</summary>
    public static CacheGeometry Default { get; } = new(null, null, null);

    public override string ToString() =>
        $"entries={Entries?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} " +
        $"ways={Ways?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} " +
        $"policy={Policy?.ToString().ToLowerInvariant() ?? "default"}";
}
