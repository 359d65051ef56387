using BenchmarkDotNet.Attributes;
using VtdEmu.Caches;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Caches;

/// <summary>
/// IOTLB lookup, hit and miss, for three geometries and a Dictionary-keyed IOTLB with the same
/// tags and probe order as the baseline. The cache is filled to capacity with 4 KiB entries of one
/// domain; one 2 MiB and one 1 GiB entry of another domain make misses probe all three page sizes.
/// Hits rotate over 64 resident pages so one branch-predicted address does not flatter the result.
/// </summary>
[BenchmarkCategory(Categories.Caches)]
public class Iotlb_Lookup
{
    private const ushort Did = 1;
    private const int Rotation = 64;

    private readonly ulong[] _hitAddresses = new ulong[Rotation];
    private Iotlb _iotlb = null!;
    private Dictionary<(ushort Did, uint Pasid, TranslationKind Kind, PageSize Size, ulong Page), IotlbEntry> _dictionary = null!;
    private int _next;

    [Params(
        "FullyAssociative64", // 64 ways, one set: widest tag scan
        "FourWay512",         // 128 sets of 4: typical hardware IOTLB shape
        "DirectMapped1024",   // 1 way: one tag compare per probe
        "Dictionary")]        // baseline: Dictionary<tag, entry>, same probe order
    public string Cache { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        CacheGeometry geometry = Cache switch
        {
            "FullyAssociative64" => CacheGeometry.FullyAssociative(64),
            "FourWay512" => new CacheGeometry(512, 4),
            _ => CacheGeometry.DirectMapped(1024),
        };
        _iotlb = new Iotlb(geometry);
        _dictionary = [];
        int resident = Cache == "Dictionary" ? 1024 : geometry.Entries;
        Fill(new IotlbEntry(Did + 1, 0, TranslationKind.SecondLevel, 0x4000_0000, PageSize.Size2M, 0x8000_0000, DmaAccess.ReadWrite));
        Fill(new IotlbEntry(Did + 1, 0, TranslationKind.SecondLevel, 0x8000_0000, PageSize.Size1G, 0x8000_0000, DmaAccess.ReadWrite));
        for (ulong page = 0; page < (ulong)resident - 2; page++)
        {
            Fill(new IotlbEntry(Did, 0, TranslationKind.SecondLevel, page << 12, PageSize.Size4K, (page + 0x10_0000) << 12, DmaAccess.ReadWrite));
        }

        var random = new Random(42);
        for (int i = 0; i < Rotation; i++)
        {
            _hitAddresses[i] = ((ulong)random.Next(resident - 2) << 12) | 0x123;
        }
    }

    [Benchmark]
    public ulong Hit()
    {
        ulong address = _hitAddresses[_next++ & (Rotation - 1)];
        return Lookup(address, out IotlbEntry entry) ? entry.Translate(address) : 0;
    }

    [Benchmark]
    public bool Miss() => Lookup(0x7_0000_0000, out _);

    private bool Lookup(ulong address, out IotlbEntry entry)
    {
        if (Cache != "Dictionary")
        {
            return _iotlb.TryLookup(Did, 0, TranslationKind.SecondLevel, address, out entry);
        }

        for (int size = 0; size < 3; size++)
        {
            ulong page = address & ~((1UL << IotlbEntry.ShiftOf((PageSize)size)) - 1);
            if (_dictionary.TryGetValue((Did, 0, TranslationKind.SecondLevel, (PageSize)size, page), out entry))
            {
                return true;
            }
        }

        entry = default;
        return false;
    }

    private void Fill(in IotlbEntry entry)
    {
        _iotlb.Fill(entry);
        _dictionary[(entry.Did, entry.Pasid, entry.Kind, entry.Size, entry.InputPageBase)] = entry;
    }
}

// Measured 2026-11-24, BenchmarkDotNet 0.15.8, AMD EPYC 2.10 GHz (2 cores shared with ~5 concurrent
// builds, so figures are noisy), .NET 10.0.12 X64 RyuJIT x86-64-v4. DefaultJob rows:
//
// | Method | Cache              | Mean      | Median    | Allocated |
// |------- |------------------- |----------:|----------:|----------:|
// | Hit    | Dictionary         | 49.368 ns | 46.322 ns |         - |
// | Miss   | Dictionary         | 78.289 ns | 75.497 ns |         - |
// | Hit    | DirectMapped1024   | 27.166 ns | 27.848 ns |         - |
// | Miss   | DirectMapped1024   | 10.185 ns |  8.178 ns |         - |
// | Hit    | FourWay512         | 18.501 ns | 18.163 ns |         - |
// | Miss   | FourWay512         |  9.674 ns | 10.239 ns |         - |
// | Hit    | FullyAssociative64 | 17.941 ns | 16.110 ns |         - |
// | Miss   | FullyAssociative64 | 33.692 ns | 28.855 ns |         - |
//
// ShortRun medians (same session): Dictionary hit 16.3 / miss 31.1; DirectMapped1024 17.8 / 10.4;
// FourWay512 18.1 / 13.2; FullyAssociative64 13.3 / 26.9 ns.
// Speed-up over the Dictionary baseline (DefaultJob medians): hit 1.7x (DM1024), 2.6x (4-way),
// 2.9x (FA64); miss 9.2x, 7.4x, 2.6x. Zero bytes allocated everywhere. The 10 ns hit target is not
// met on this machine: a hit also pays the LRU stamp update, the striped hit counter and building
// the IotlbEntry, and the rotating hit addresses touch more cache lines than the single miss address.
//
// Re-measured after the LRU touch skips the MRU way and lookups share one Find (same day, --job short,
// quieter machine): Dictionary hit 10.6 / miss 30.3; DirectMapped1024 11.0 / 6.5; FourWay512 11.3 / 7.1;
// FullyAssociative64 13.6 / 27.4 ns (medians). Zero bytes allocated.
