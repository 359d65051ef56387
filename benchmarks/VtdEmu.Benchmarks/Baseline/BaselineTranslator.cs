using System.Runtime.CompilerServices;

namespace VtdEmu.Benchmarks.Baseline;

/// <summary>
/// The no-model baseline every translate benchmark is measured against (issue 11): RAM as one flat
/// array, a 64-entry 4-way true-LRU IOTLB (<see cref="BaselineTlb"/>) probed for 4 KiB then 2 MiB
/// pages, and a plain second-level walk (present bits, R/W ANDed down the levels, PS stops it).
/// With <c>pagingCache</c> a second <see cref="BaselineTlb"/> holds the leaf table of each 2 MiB
/// region, so a miss reads one entry (the work the model's paging-structure cache saves).
/// No domains, contexts, faults, counters or threads: the least any translator must do.
/// </summary>
internal sealed class BaselineTranslator
{
    public const ulong Fault = ulong.MaxValue;
    private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;
    private const ulong PageSizeBit = 1UL << 7;
    private const ulong LargeTag = 1UL << 62;

    private readonly ulong[] _ram;
    private readonly ulong _root;
    private readonly int _levels;
    private readonly BaselineTlb _iotlb = new(64);
    private readonly BaselineTlb? _pagingCache;
    private bool _anyLarge;

    public BaselineTranslator(ulong[] ram, ulong root, int levels, bool pagingCache)
    {
        _ram = ram;
        _root = root;
        _levels = levels;
        _pagingCache = pagingCache ? new BaselineTlb(64) : null;
    }

    /// <summary>The output address of <paramref name="iova"/> for <paramref name="access"/> (1 read, 2 write), or <see cref="Fault"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Translate(ulong iova, ulong access)
    {
        ulong page = iova >> 12;
        if (_iotlb.TryGet(page, page, out ulong data) || (_anyLarge && _iotlb.TryGet((iova >> 21) | LargeTag, iova >> 21, out data)))
        {
            return (access & ~data) != 0 ? Fault : (data & AddressMask) | (iova & (data & PageSizeBit) switch { 0 => 0xFFFUL, _ => 0x1F_FFFFUL });
        }

        return Walk(iova, access);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Walk(ulong iova, ulong access)
    {
        ulong table = _root;
        int level = _levels;
        ulong rights = 3;
        ulong region = iova >> 21;
        if (_pagingCache is not null && _pagingCache.TryGet(region, region, out ulong cached))
        {
            table = cached & AddressMask;
            rights = cached & 3;
            level = 1;
        }

        while (true)
        {
            ulong entry = _ram[(table + (((iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8)) >> 3];
            if ((entry & 3) == 0)
            {
                return Fault;
            }

            rights &= entry;
            if (level == 1 || (entry & PageSizeBit) != 0)
            {
                bool large = level == 2;
                _anyLarge |= large;
                ulong data = (entry & AddressMask) | rights | (large ? PageSizeBit : 0);
                if (large)
                {
                    _iotlb.Fill(region | LargeTag, region, data);
                }
                else
                {
                    _iotlb.Fill(iova >> 12, iova >> 12, data);
                }

                return (access & ~rights) != 0 ? Fault : (entry & AddressMask) | (iova & (large ? 0x1F_FFFFUL : 0xFFFUL));
            }

            table = entry & AddressMask;
            if (level == 2)
            {
                _pagingCache?.Fill(region, region, table | rights);
            }

            level--;
        }
    }
}
