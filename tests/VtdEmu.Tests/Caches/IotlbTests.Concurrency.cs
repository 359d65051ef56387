using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Caches;

public sealed partial class IotlbTests
{
    private const int Readers = 2;
    private const int ReaderHits = 2_000;
    private const int ReaderMaxLookups = 20_000_000;
    private const int WriterIterations = 20_000;
    private const int Pages = 64;

    /// <summary>
    /// Readers race a writer that keeps refilling a small 4-way IOTLB (so slots are constantly
    /// overwritten with other tags). Each entry's output page encodes its input page and a version,
    /// and its rights encode the version's parity: a torn read (tag of one fill, data of another)
    /// breaks that invariant.
    /// </summary>
    [Fact]
    public void TryLookup_RacingFills_NeverReturnsTornEntry()
    {
        var iotlb = new Iotlb(new CacheGeometry(16, 4));
        int failures = 0;
        long hits = 0;
        RunRace(
            v =>
            {
                ulong page = (v * 7) % Pages;
                DmaAccess rights = (v & 1) != 0 ? DmaAccess.Read : DmaAccess.ReadWrite;
                iotlb.Fill(Sl(page << 12, ((v << 20) | page) << 12, rights: rights));
                if (v % 97 == 0)
                {
                    iotlb.InvalidateDomain(Did);
                }
            },
            (reader, i) =>
            {
                ulong page = ((ulong)reader + ((ulong)i * 13)) % Pages;
                if (iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, page << 12, out IotlbEntry entry))
                {
                    Interlocked.Increment(ref hits);
                    ulong output = entry.OutputPageBase >> 12;
                    ulong version = output >> 20;
                    DmaAccess expected = (version & 1) != 0 ? DmaAccess.Read : DmaAccess.ReadWrite;
                    if (entry.InputPageBase != page << 12 || (output & 0xF_FFFF) != page || entry.Rights != expected)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    return true;
                }

                return false;
            });
        Assert.Equal(0, failures);
        Assert.True(hits > 0, "the readers must have observed some entries for the test to mean anything");
    }

    /// <summary>
    /// The writer fills version v of one page, invalidates it, and only then publishes v as
    /// "invalidated". A reader that read the published value before starting its lookup must never
    /// get a version at or below it.
    /// </summary>
    [Theory]
    [InlineData(0)] // domain-selective
    [InlineData(1)] // page-selective
    [InlineData(2)] // global
    public void TryLookup_AfterInvalidationReturns_NeverReturnsRemovedEntry(int granularity)
    {
        var iotlb = new Iotlb(new CacheGeometry(64, 4));
        long invalidated = 0;
        int failures = 0;
        long hits = 0;
        RunRace(
            v =>
            {
                iotlb.Fill(Sl(0x5000, v << 12));
                Thread.SpinWait(20); // leave readers a window in which the entry is legitimately visible
                _ = granularity switch
                {
                    0 => iotlb.InvalidateDomain(Did),
                    1 => iotlb.InvalidatePages(Did, 0x5000, 0),
                    _ => iotlb.InvalidateAll(),
                };
                Volatile.Write(ref invalidated, (long)v);
            },
            (_, _) =>
            {
                long removedUpTo = Volatile.Read(ref invalidated);
                if (iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x5123, out IotlbEntry entry))
                {
                    Interlocked.Increment(ref hits);
                    if ((long)(entry.OutputPageBase >> 12) <= removedUpTo)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    return true;
                }

                return false;
            });
        Assert.Equal(0, failures);
        Assert.True(hits > 0, "the readers must have observed some entries for the test to mean anything");
        Assert.False(iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, 0x5000, out _));
    }

    /// <summary>
    /// Runs <paramref name="write"/> (version 1, 2, ...) on one thread and <paramref name="read"/> on
    /// <see cref="Readers"/> threads, all released together. Each reader looks up until it has seen
    /// <see cref="ReaderHits"/> hits (or <see cref="ReaderMaxLookups"/> lookups); the writer runs at
    /// least <see cref="WriterIterations"/> steps and until every reader has finished, so the two
    /// always overlap. Both loops are bounded.
    /// </summary>
    private static void RunRace(Action<ulong> write, Func<int, int, bool> read)
    {
        using var start = new Barrier(Readers + 1);
        int finished = 0;
        var threads = new Thread[Readers + 1];
        for (int r = 0; r < Readers; r++)
        {
            int reader = r;
            threads[r] = new Thread(() =>
            {
                start.SignalAndWait();
                int seen = 0;
                for (int i = 0; i < ReaderMaxLookups && seen < ReaderHits; i++)
                {
                    seen += read(reader, i) ? 1 : 0;
                }

                Interlocked.Increment(ref finished);
            });
        }

        threads[Readers] = new Thread(() =>
        {
            start.SignalAndWait();
            for (ulong v = 1; v <= WriterIterations || Volatile.Read(ref finished) < Readers; v++)
            {
                write(v);
            }
        });
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());
    }
}
