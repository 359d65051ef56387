namespace VtdEmu.Caches.Internal;

/// <summary>
/// Reads the part of a stored payload a lookup needs, inside the seqlock window, so a hit copies a
/// few fields instead of the whole payload. A struct implementing it is passed by generic argument.
/// </summary>
internal interface IPayloadReader<TPayload, TResult>
    where TPayload : struct
{
    /// <summary>The projection of <paramref name="payload"/>; must only read it.</summary>
    TResult Read(in TPayload payload);
}
