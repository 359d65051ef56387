namespace VtdEmu.Caches.Internal;

/// <summary>
/// An invalidation predicate over one stored entry (its two tag words and payload). A struct
/// implementing it is passed by generic argument so the scan is specialised and allocates nothing.
/// </summary>
internal interface IEntryMatch<TPayload>
    where TPayload : struct
{
    /// <summary>True when the entry must be removed. <paramref name="key0"/> has the valid bit set.</summary>
    bool Matches(ulong key0, ulong key1, in TPayload payload);
}
