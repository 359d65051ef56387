using VtdEmu.Caches.Internal;

namespace VtdEmu.Translation;

/// <summary>
/// The translate path's own counters (translations, faults, walks, table reads): slots of the unit's
/// <see cref="CounterBlock"/>, beside the caches' lookup counters, so one request counts in one
/// cache line. Exactness rules: spec-notes/caching.md, "Statistics".
/// </summary>
internal sealed class TranslationCounters(CounterBlock block)
{
    /// <summary>The calling thread's stripe, to count every step of one request (or batch) in.</summary>
    public ref CounterStripe Current => ref block.Current;

    public long Translations => block.Sum(CounterStripe.Translations);

    public long Faults => block.Sum(CounterStripe.Faults);

    public long Walks => block.Sum(CounterStripe.Walks);

    public long TableReads => block.Sum(CounterStripe.TableReads);

    public void Reset() => block.Reset(CounterStripe.Translations, 4);
}
