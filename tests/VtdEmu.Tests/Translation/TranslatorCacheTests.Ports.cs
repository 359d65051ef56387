using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// <see cref="DmaPort"/> batches against single requests (spec-notes/caching.md, "Ports"): two units
/// over the same guest memory, one fed every batch request by request, the other through ports.
/// </summary>
public sealed partial class TranslatorCacheTests
{
    private const ushort AbsentSid = 0x0028;   // 00:05.0: no context entry

    /// <summary>
    /// Random interleavings of batches, single requests, leaf edits without invalidation and
    /// invalidations of every granularity: after every step the two units hold identical results,
    /// cache contents, statistics and fault registers, with and without FPD. Small, partly non-LRU
    /// caches make any difference in lookup order show up as a different eviction.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PortTranslate_RandomInterleavings_SameAsSingleRequests(bool cachingMode)
    {
        var options = new TranslationCacheOptions
        {
            ContextCache = new CacheGeometry(2, 2),
            Iotlb = new CacheGeometry(8, 4),
            IotlbLargePages = null,
            PagingStructureCache = new CacheGeometry(4, 2, ReplacementPolicy.TreePlru),
        };
        long batches = 0, hits = 0, faults = 0;
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var pcg = new PCG(23, seed);
            var memory = new GuestMemory(new MemoryRange(0, 0x4000_0000));
            var single = new Rig(cachingMode: cachingMode, caches: options, memory: memory);
            var ported = new Rig(cachingMode: cachingMode, caches: options, memory: memory);
            (ulong Iova, ulong Hpa)[] pages = [.. Enumerable.Range(0, 24).Select(i => ((ulong)i << 12, FrameBase + ((ulong)i << 12)))];
            LegacyTables tables = single.LegacyTables(Sid, Did, pages);
            ulong root = new ContextEntryView(single.Tables, tables.ContextEntry).SecondLevelRoot;
            if (seed % 3 == 0)
            {
                // FPD (context entry bit 1): faults are suppressed, on batches as on single requests.
                Assert.True(memory.TryRead64(tables.ContextEntry, out ulong low) && memory.TryWrite64(tables.ContextEntry, low | 2));
            }

            ported.Enable(single.Unit.Read((ulong)VtdRegister.RTADDR, 8));

            for (int step = 0; step < 60; step++)
            {
                string where = $"seed {seed} step {step}";
                switch (pcg.Next(8))
                {
                    case 0:
                        // A leaf edit without invalidation: both units must stay equally stale.
                        ulong iova = (ulong)pcg.Next(32) << 12;
                        ulong hpa = pcg.Next(4) == 0 ? 0xFEE0_0000 : FrameBase + ((ulong)pcg.Next(64) << 12);
                        single.RemapLeaf(root, iova, hpa);
                        break;
                    case 1:
                        int kind = (int)pcg.Next(4);
                        ulong page = pcg.Next(32);
                        Invalidate(single.Caches, kind, page);
                        Invalidate(ported.Caches, kind, page);
                        break;
                    case 2:
                        var request = new DmaRequest(Sid, (ulong)pcg.Next(32) << 12, (DmaAccess)(1 + pcg.Next(3)));
                        Assert.True(Same(single.Unit.Translate(request), ported.Unit.Translate(request)), $"{where}: {request}");
                        break;
                    default:
                        faults += BatchSameAsSingles(single, ported, pcg, where, maxBatch: 40, pages: 32, pasidOdds: 10);
                        batches++;
                        break;
                }

                AssertSameState(single, ported, where);
            }

            hits += ported.Statistics.IotlbHits;
        }

        // Not vacuous: batches ran, hit the caches and faulted.
        Assert.True(batches > 500 && hits > 1000 && faults > 100, $"batches {batches}, IOTLB hits {hits}, faults {faults}");
    }

    [Fact]
    public void PortTranslate_ResultsShorterThanAddresses_ThrowsAndTranslatesNothing()
    {
        var rig = new Rig();
        rig.LegacyDevice(Sid, Did, (Iova, OldHpa));
        DmaPort port = rig.Unit.OpenPort(Sid);

        Assert.Throws<ArgumentException>(() => port.Translate([Iova, Iova], DmaAccess.Read, new TranslationResult[1]));
        Assert.Equal(0, rig.Statistics.Translations);
    }

    [Fact]
    public void PortTranslate_TranslationDisabled_AddressesPassUntranslated()
    {
        var rig = new Rig();
        var results = new TranslationResult[2];

        int faults = rig.Unit.OpenPort(Sid).Translate([0x1234, 0xFEE0_0000], DmaAccess.Write, results);

        Assert.Equal(0, faults);
        Assert.Equal([0x1234UL, 0xFEE0_0000UL], results.Select(r => r.OutputAddress));
        Assert.Equal(0, rig.Statistics.Translations);
    }

    /// <summary>
    /// Scalable mode, where a batch under a pass-through PASID entry (or a faulting one) takes the general loop rather
    /// than the second-level run: random batches, with and without a PASID, against the same requests one by one,
    /// interleaved with PASID-cache and IOTLB invalidations; results, cache contents and statistics (the repeated
    /// context- and PASID-cache hits counted once per batch) stay identical.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PortTranslate_ScalableRandomInterleavings_SameAsSingleRequests(bool cachingMode)
    {
        long batches = 0, pasidHits = 0;
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var pcg = new PCG(29, seed);
            var memory = new GuestMemory(new MemoryRange(0, 0x4000_0000));
            var single = new Rig(UnitConfiguration.QemuScalable, cachingMode, memory: memory);
            var ported = new Rig(UnitConfiguration.QemuScalable, cachingMode, memory: memory);
            ulong slRoot = single.Tables.SecondLevel(Levels, [.. Enumerable.Range(0, 16).Select(i => ((ulong)i << 12, FrameBase + ((ulong)i << 12), Page, DmaAccess.ReadWrite))]);
            PasidGranularTranslationType pgtt = seed % 2 == 0 ? PasidGranularTranslationType.PassThrough : PasidGranularTranslationType.SecondLevel;
            ScalableTables tables = single.Tables.Scalable(Sid, 0, PasidEntry.Create(Did, pgtt, slRoot, Aw), paside: false);
            single.Enable(tables.RootTable, scalable: true);
            ported.Enable(tables.RootTable, scalable: true);

            for (int step = 0; step < 40; step++)
            {
                string where = $"seed {seed} step {step}";
                switch (pcg.Next(6))
                {
                    case 0:
                        single.Caches.InvalidatePasidCacheGlobal();
                        ported.Caches.InvalidatePasidCacheGlobal();
                        break;
                    case 1:
                        Invalidate(single.Caches, 2, 0);
                        Invalidate(ported.Caches, 2, 0);
                        break;
                    default:
                        BatchSameAsSingles(single, ported, pcg, where, maxBatch: 20, pages: 20, pasidOdds: 5);
                        batches++;
                        break;
                }

                AssertSameState(single, ported, where);
            }

            pasidHits += ported.Statistics.PasidCacheHits;
        }

        // Not vacuous: batches ran and repeated PASID-cache hits were counted.
        Assert.True(batches > 300 && pasidHits > 1000, $"batches {batches}, PASID-cache hits {pasidHits}");
    }

    /// <summary>
    /// One random batch (a random source-id, sometimes absent, sometimes with PASID 5) through a port of
    /// <paramref name="ported"/>, and the same requests one by one through <paramref name="single"/>: every
    /// result and the fault count agree. Returns the batch's faults.
    /// </summary>
    private static int BatchSameAsSingles(Rig single, Rig ported, PCG pcg, string where, int maxBatch, int pages, uint pasidOdds)
    {
        ushort sid = pcg.Next(6) == 0 ? AbsentSid : Sid;
        uint? pasid = pcg.Next(pasidOdds) == 0 ? 5u : null;
        var access = (DmaAccess)(1 + pcg.Next(3));
        ulong[] iovas = [.. Enumerable.Range(0, 1 + (int)pcg.Next((uint)maxBatch)).Select(_ => ((ulong)pcg.Next((uint)pages) << 12) | pcg.Next(0x1000))];
        var results = new TranslationResult[iovas.Length + 2];
        DmaPort port = ported.Unit.OpenPort(sid);
        int portFaults = pasid is uint p ? port.Translate(p, iovas, access, results) : port.Translate(iovas, access, results);
        int expectedFaults = 0;
        for (int i = 0; i < iovas.Length; i++)
        {
            TranslationResult expected = single.Unit.Translate(new DmaRequest(sid, iovas[i], access, AddressType.Untranslated, pasid));
            Assert.True(Same(expected, results[i]) && expected.TableReads == results[i].TableReads, $"{where} batch item {i}: expected {expected}, got {results[i]}");
            expectedFaults += expected.Fault != FaultReason.None ? 1 : 0;
        }

        Assert.Equal(expectedFaults, portFaults);
        return portFaults;
    }

    private static void Invalidate(TranslationCaches caches, int kind, ulong page)
    {
        _ = kind switch
        {
            0 => caches.InvalidateIotlbPages(Did, page << 12, 0, invalidationHint: page % 2 == 0),
            1 => caches.InvalidateIotlbDomain(Did),
            2 => caches.InvalidateIotlbGlobal(),
            _ => caches.InvalidateContextGlobal(),
        };
    }

    private static IEnumerable<(ushort, ushort, FaultReason, ulong, ulong)> ContextContents(Rig rig) =>
        rig.Caches.ContextCache.Snapshot().Select(e => (e.SourceId, e.Did, e.Fault, e.Word(0), e.Word(1)));

    private static void AssertSameState(Rig single, Rig ported, string where)
    {
        Assert.True(single.Caches.Iotlb.Snapshot().SequenceEqual(ported.Caches.Iotlb.Snapshot()), $"{where}: IOTLB contents differ");
        Assert.True(ContextContents(single).SequenceEqual(ContextContents(ported)), $"{where}: context-cache contents differ");
        Assert.Equal(single.Caches.PagingStructureCache.Count, ported.Caches.PagingStructureCache.Count);
        Assert.Equal(single.Statistics, ported.Statistics);
        int frcd = single.Unit.Configuration.Capability.FaultRecordingOffset;
        foreach (ulong offset in new[] { (ulong)VtdRegister.FSTS, (ulong)frcd, (ulong)frcd + 8 })
        {
            Assert.True(single.Unit.Read(offset, 8) == ported.Unit.Read(offset, 8), $"{where}: register 0x{offset:X} differs");
        }
    }
}
