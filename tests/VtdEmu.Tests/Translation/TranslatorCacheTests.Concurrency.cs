using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorCacheTests
{
    /// <summary>
    /// DMA threads translate one IOVA while another thread remaps it again and again, each time
    /// followed by the required invalidation (a leaf change with IH=1; every fourth time a fresh page
    /// table behind the PDE with IH=0, which also drops the cached PDE). Every result must be one of
    /// the mappings written so far (never torn, never invented), and no result may be older than the
    /// last mapping whose invalidation had returned before the request started (spec-notes/caching.md
    /// threading contract rule 3 and the epoch/fill rule).
    /// </summary>
    [Fact]
    public void Translate_RemapsWithInvalidationOnAnotherThread_NeverOlderThanLastCompletedInvalidation()
    {
        const int Remaps = 400;
        const int Readers = 2;
        var rig = new Rig();
        ulong root = rig.LegacyDevice(Sid, Did, (Iova, FrameBase));
        ulong pdeAddress = rig.Tables.PathEntry(root, Levels, Iova, 2);
        long written = 0;      // highest mapping index stored in memory (set before the store)
        long invalidated = 0;  // highest mapping index whose invalidation has returned
        long violations = 0;
        string? firstViolation = null;
        long translations = 0;
        long changesSeen = 0;
        using var readersRunning = new CountdownEvent(Readers);

        void Reader()
        {
            long previous = 0;
            bool signalled = false;
            while (Volatile.Read(ref invalidated) < Remaps)
            {
                long floor = Volatile.Read(ref invalidated);
                TranslationResult result = rig.Read(Iova);
                long ceiling = Volatile.Read(ref written);
                long index = result.IsSuccess ? (long)((result.OutputAddress - FrameBase) >> 12) : -1;
                Interlocked.Increment(ref translations);
                if (index != previous)
                {
                    Interlocked.Increment(ref changesSeen);
                    previous = index;
                }

                if (!signalled)
                {
                    readersRunning.Signal();
                    signalled = true;
                }

                if (!result.IsSuccess || index < floor || index > ceiling || (result.OutputAddress & 0xFFF) != 0)
                {
                    Interlocked.Increment(ref violations);
                    Interlocked.CompareExchange(ref firstViolation, $"floor {floor} ceiling {ceiling}: {result}", null);
                }
            }
        }

        void Writer()
        {
            readersRunning.Wait();
            for (long k = 1; k <= Remaps; k++)
            {
                Volatile.Write(ref written, k);
                ulong hpa = FrameBase + ((ulong)k << 12);
                if (k % 4 == 0)
                {
                    ulong table = rig.Tables.AllocatePage();
                    rig.Tables.Write64(TableBuilder.EntryAddress(table, 1, Iova), SecondLevelPageTableEntry.Create(hpa, read: true, write: true).Raw);
                    rig.Tables.Write64(pdeAddress, SecondLevelPageTableEntry.Create(table, read: true, write: true).Raw);
                    rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint: false);
                }
                else
                {
                    rig.RemapLeaf(root, Iova, hpa);
                    rig.Caches.InvalidateIotlbPages(Did, Iova, 0, invalidationHint: true);
                }

                Volatile.Write(ref invalidated, k);

                // Let the readers translate at least once more, so the remaps interleave with DMA even
                // when the scheduler would run this thread alone.
                long seen = Interlocked.Read(ref translations);
                var spin = default(SpinWait);
                while (Interlocked.Read(ref translations) == seen && k < Remaps)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
        }

        var threads = new List<Thread> { new(Writer) };
        for (int i = 0; i < Readers; i++)
        {
            threads.Add(new Thread(Reader));
        }

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.True(violations == 0, $"{violations} of {translations} translations violated the contract; first: {firstViolation}");
        Assert.True(changesSeen > Readers, $"the readers saw {changesSeen} remaps in {translations} translations: no overlap");
        Assert.Equal(FrameBase + ((ulong)Remaps << 12), rig.Read(Iova).OutputAddress);
    }
}
