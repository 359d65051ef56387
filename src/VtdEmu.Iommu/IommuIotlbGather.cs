namespace VtdEmu.Iommu;

/// <summary>
/// <c>iommu_iotlb_gather</c>: the IOVA range a sequence of <c>unmap_pages</c> calls touched, handed to the driver's
/// <c>iotlb_sync</c> (strict) or put on the flush queue (DMA_FQ, <see cref="Queued"/>).
/// </summary>
public struct IommuIotlbGather
{
    /// <summary>Creates an empty gather.</summary>
    public IommuIotlbGather()
    {
        Start = ulong.MaxValue;
        End = 0;
    }

    /// <summary>Lowest IOVA touched.</summary>
    public ulong Start { get; private set; }

    /// <summary>Highest IOVA touched (inclusive).</summary>
    public ulong End { get; private set; }

    /// <summary>Largest leaf size the driver reported while unmapping (0 if none).</summary>
    public ulong PgSize { get; private set; }

    /// <summary>True when the flush is deferred to the domain's flush queue (DMA_FQ).</summary>
    public bool Queued { get; internal set; }

    /// <summary>True when nothing was added.</summary>
    public readonly bool IsEmpty => Start > End;

    /// <summary>Adds an unmapped leaf (iommu_iotlb_gather_add_page).</summary>
    public void Add(ulong iova, ulong size)
    {
        if (size == 0)
        {
            return;
        }

        ulong last = unchecked(iova + size - 1);
        Start = Math.Min(Start, iova);
        End = Math.Max(End, last);
        PgSize = Math.Max(PgSize, size);
    }
}
