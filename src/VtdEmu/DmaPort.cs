using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// The DMA of one requester (source-id) through a <see cref="RemappingUnit"/>, in batches: each
/// address is one untranslated request, translated exactly as <see cref="RemappingUnit.Translate"/>
/// would translate it at that point — same results, cache lookups, fills, statistics and recorded
/// faults — with the latched state read, the invalidation epoch observed and the context resolved
/// once per batch (spec-notes/caching.md, "Ports"). A batch is a burst of requests in flight
/// together: an invalidation that completes while it runs applies to a later batch (hardware may
/// finish requests already in flight with the old translation).
/// </summary>
/// <remarks>Thread-safe like the unit; a port holds no state of its own besides its source-id. Allocates nothing per batch.</remarks>
public sealed class DmaPort
{
    private readonly DmaPath _dma;

    internal DmaPort(DmaPath dma, ushort sourceId)
    {
        _dma = dma;
        SourceId = sourceId;
    }

    /// <summary>SID: the requester id, bus in bits 15:8, device:function in bits 7:0.</summary>
    public ushort SourceId { get; }

    /// <summary>
    /// Translates one request without PASID per address of <paramref name="iovas"/>, each needing
    /// <paramref name="access"/>, into the first <c>iovas.Length</c> slots of <paramref name="results"/>.
    /// Faults are recorded as for single requests. Returns how many results carry a fault (recorded
    /// or FPD-suppressed; aborted requests are not faults, see <see cref="TranslationResult.Aborted"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="iovas"/>.</exception>
    public int Translate(ReadOnlySpan<ulong> iovas, DmaAccess access, Span<TranslationResult> results) =>
        _dma.TranslateBatch(SourceId, null, iovas, access, results);

    /// <summary>As <see cref="Translate(ReadOnlySpan{ulong}, DmaAccess, Span{TranslationResult})"/>, every request carrying <paramref name="pasid"/> (20 bits) in a PASID prefix.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="iovas"/>.</exception>
    public int Translate(uint pasid, ReadOnlySpan<ulong> iovas, DmaAccess access, Span<TranslationResult> results) =>
        _dma.TranslateBatch(SourceId, pasid, iovas, access, results);
}
