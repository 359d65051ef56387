using System.Diagnostics;
using System.Numerics;

namespace VtdEmu.Iommu;

/// <summary>
/// map / unmap / iova_to_phys (spec-notes/iommu-core.md "Map and unmap"). Not serialised by a group lock (as in Linux):
/// concurrent page-table updates on one domain are the driver's concern.
/// </summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>iommu_map</c>: non-paging domain or a domain of another core → EINVAL; no page sizes → WARN, ENODEV; iova, paddr or size not a multiple
    /// of the smallest page → EINVAL; iova + size beyond 2^64 → ERANGE (our choice, the ≥ v6.19 driver outcome). The
    /// range is split with <see cref="PgSize"/>; on a driver error everything this call mapped is unmapped again
    /// and the error returned; then <c>iotlb_sync_map</c> (failure also unmaps everything).
    /// </summary>
    public LinuxError Map(IommuDomain domain, ulong iova, ulong paddr, ulong size, IommuProt prot)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        if (!domain.Type.IsPaging() || domain.Core != this)
        {
            return LinuxError.EINVAL;
        }

        ulong bitmap = domain.PgsizeBitmap;
        if (bitmap == 0)
        {
            Diagnostics.Warn(IommuWarning.NoPageSizes, null);
            return LinuxError.ENODEV;
        }

        ulong minPage = bitmap & unchecked(0 - bitmap);
        if (((iova | paddr | size) & (minPage - 1)) != 0)
        {
            return LinuxError.EINVAL;
        }

        if (size == 0)
        {
            return LinuxError.Success;
        }

        if (size - 1 > ulong.MaxValue - iova)
        {
            return LinuxError.ERANGE;
        }

        ulong remaining = size;
        ulong curIova = iova;
        ulong curPaddr = paddr;
        LinuxError result = LinuxError.Success;
        while (remaining != 0)
        {
            (ulong pgsize, ulong count) = PgSize(bitmap, curIova, curPaddr, remaining);
            result = domain.Ops.MapPages(curIova, curPaddr, pgsize, count, prot, out ulong mapped);
            mapped = Math.Min(mapped, remaining);
            remaining -= mapped;
            if (result != LinuxError.Success)
            {
                break;
            }

            Debug.Assert(mapped != 0, "map_pages succeeded without mapping anything");
            if (mapped == 0)
            {
                result = LinuxError.EIO;
                break;
            }

            curIova = unchecked(curIova + mapped);
            curPaddr = unchecked(curPaddr + mapped);
        }

        if (result != LinuxError.Success)
        {
            if (size != remaining)
            {
                _ = UnmapCore(domain, iova, size - remaining, queued: false);
            }

            return result;
        }

        result = domain.Ops.IotlbSyncMap(iova, size);
        if (result != LinuxError.Success)
        {
            _ = UnmapCore(domain, iova, size, queued: false);
        }

        return result;
    }

    /// <summary>
    /// <c>iommu_unmap</c>: returns the bytes unmapped — possibly fewer than <paramref name="size"/> (a hole, or a
    /// start inside a larger leaf) or more (the last leaf was larger). Non-paging or unaligned → 0, nothing
    /// touched; a domain of another core → 0. Strict domains sync the IOTLB now; a DMA_FQ domain (only the DMA API uses those) queues the range on
    /// its flush queue instead.
    /// </summary>
    public ulong Unmap(IommuDomain domain, ulong iova, ulong size)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        if (domain.Core != this)
        {
            return 0;
        }

        return UnmapCore(domain, iova, size, queued: domain.FlushQueue is not null && domain.Type == IommuDomainType.DmaFq);
    }

    /// <summary><c>iommu_iova_to_phys</c>: IDENTITY → <paramref name="iova"/>; BLOCKED → 0; else the driver's walk.</summary>
    public static ulong IovaToPhys(IommuDomain domain, ulong iova)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        return domain.Type switch
        {
            IommuDomainType.Identity => iova,
            IommuDomainType.Blocked => 0,
            _ => domain.Ops.IovaToPhys(iova),
        };
    }

    /// <summary>
    /// <c>iommu_pgsize</c>: the leaf size and count for the next driver call — the largest supported size that fits
    /// <paramref name="size"/> and the alignment of iova|paddr, stopping at the next larger size's boundary when
    /// the addresses share their offset within it and a full larger page follows.
    /// </summary>
    internal static (ulong PgSize, ulong Count) PgSize(ulong bitmap, ulong iova, ulong paddr, ulong size)
    {
        ulong addrMerge = iova | paddr;
        ulong candidates = bitmap & LowMask(BitOperations.Log2(size));
        if (addrMerge != 0)
        {
            candidates &= LowMask(BitOperations.TrailingZeroCount(addrMerge));
        }

        Debug.Assert(candidates != 0, "map/unmap alignment was checked against the smallest page");
        int index = BitOperations.Log2(candidates);
        ulong pgsize = 1UL << index;
        ulong bigger = bitmap & ~LowMask(index);
        if (bigger == 0)
        {
            return (pgsize, size >> index);
        }

        ulong next = 1UL << BitOperations.TrailingZeroCount(bigger);
        if (((iova ^ paddr) & (next - 1)) != 0)
        {
            return (pgsize, size >> index);
        }

        ulong gap = next - (addrMerge & (next - 1));
        if (gap <= ulong.MaxValue - next && gap + next <= size)
        {
            return (pgsize, gap >> index);
        }

        return (pgsize, size >> index);
    }

    private ulong UnmapCore(IommuDomain domain, ulong iova, ulong size, bool queued)
    {
        if (!domain.Type.IsPaging())
        {
            return 0;
        }

        ulong bitmap = domain.PgsizeBitmap;
        if (bitmap == 0)
        {
            Diagnostics.Warn(IommuWarning.NoPageSizes, null);
            return 0;
        }

        ulong minPage = bitmap & unchecked(0 - bitmap);
        if (((iova | size) & (minPage - 1)) != 0 || size == 0)
        {
            return 0;
        }

        IommuIotlbGather gather = new() { Queued = queued };
        ulong unmapped = 0;
        ulong cur = iova;
        while (unmapped < size)
        {
            (ulong pgsize, ulong count) = PgSize(bitmap, cur, cur, size - unmapped);
            ulong r = domain.Ops.UnmapPages(cur, pgsize, count, ref gather);
            if (r == 0)
            {
                break;
            }

            unmapped += r;
            cur = unchecked(cur + r);
        }

        if (queued)
        {
            domain.FlushQueue!.Enqueue(gather);
        }
        else
        {
            domain.Ops.IotlbSync(gather);
        }

        return unmapped;
    }

    /// <summary>GENMASK(msb, 0).</summary>
    private static ulong LowMask(int msb) => msb >= 63 ? ulong.MaxValue : (1UL << (msb + 1)) - 1;
}
