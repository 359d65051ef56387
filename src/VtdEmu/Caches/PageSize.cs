namespace VtdEmu.Caches;

/// <summary>
/// The page size of a cached translation, as the paging level whose entry was the leaf
/// (VT-d spec §3.6 / §9.8: 4 KiB PTE, 2 MiB PDE with PS=1, 1 GiB PDPE with PS=1). The value is the
/// number of 9-bit strides above the 4 KiB page; IOTLB lookups probe sizes in this order.
/// </summary>
public enum PageSize : byte
{
    /// <summary>4 KiB leaf (SL-PTE).</summary>
    Size4K = 0,

    /// <summary>2 MiB leaf (SL-PDE with PS=1).</summary>
    Size2M = 1,

    /// <summary>1 GiB leaf (SL-PDPE with PS=1).</summary>
    Size1G = 2,
}
