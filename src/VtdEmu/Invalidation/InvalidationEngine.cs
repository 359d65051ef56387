using VtdEmu.Caches;
using VtdEmu.Registers;

namespace VtdEmu.Invalidation;

/// <summary>
/// Performs invalidation requests on a unit's <see cref="TranslationCaches"/> and counts them. Both
/// interfaces (CCMD / IOTLB_REG, VT-d spec §6.5.1, and the queued descriptors, §6.5.2) go through
/// the same methods, so they have the same cache effect by construction. Not thread-safe: the unit
/// calls it under its state lock.
/// </summary>
internal sealed class InvalidationEngine(TranslationCaches caches, CapabilityRegister cap)
{
    private readonly long[] _performed = new long[InvalidationStatistics.SourceCount * InvalidationStatistics.RequestCount];
    private InvalidationTotals _totals;

    public ref InvalidationTotals Totals => ref _totals;

    public InvalidationStatistics Snapshot() => new((long[])_performed.Clone(), _totals);

    public void ContextGlobal(InvalidationSource source) =>
        Done(source, InvalidationRequest.ContextGlobal, caches.InvalidateContextGlobal());

    public void ContextDomain(InvalidationSource source, ushort did) =>
        Done(source, InvalidationRequest.ContextDomain, caches.InvalidateContextDomain(did));

    public void ContextDevice(InvalidationSource source, ushort sourceId, int functionMask, ushort did) =>
        Done(source, InvalidationRequest.ContextDevice, caches.InvalidateContextDevice(sourceId, functionMask, did));

    public void IotlbGlobal(InvalidationSource source) =>
        Done(source, InvalidationRequest.IotlbGlobal, caches.InvalidateIotlbGlobal());

    public void IotlbDomain(InvalidationSource source, ushort did) =>
        Done(source, InvalidationRequest.IotlbDomain, caches.InvalidateIotlbDomain(did));

    public void IotlbPages(InvalidationSource source, ushort did, ulong address, int am, bool invalidationHint) =>
        Done(source, InvalidationRequest.IotlbPage, caches.InvalidateIotlbPages(did, address, am, invalidationHint));

    public void PasidIotlb(InvalidationSource source, ushort did, uint pasid) =>
        Done(source, InvalidationRequest.PasidIotlbNonGlobal, caches.InvalidatePasidIotlb(did, pasid));

    public void PasidIotlbPages(InvalidationSource source, ushort did, uint pasid, ulong address, int am, bool invalidationHint) =>
        Done(source, InvalidationRequest.PasidIotlbPage, caches.InvalidatePasidIotlbPages(did, pasid, address, am, invalidationHint));

    public void PasidCacheGlobal(InvalidationSource source) =>
        Done(source, InvalidationRequest.PasidCacheGlobal, caches.InvalidatePasidCacheGlobal());

    public void PasidCacheDomain(InvalidationSource source, ushort did) =>
        Done(source, InvalidationRequest.PasidCacheDomain, caches.InvalidatePasidCacheDomain(did));

    public void PasidCachePasid(InvalidationSource source, ushort did, uint pasid) =>
        Done(source, InvalidationRequest.PasidCachePasid, caches.InvalidatePasidCachePasid(did, pasid));

    /// <summary>A request with no modelled cache behind it (device-TLB, interrupt entry cache): counted only.</summary>
    public void Counted(InvalidationSource source, InvalidationRequest request) => Done(source, request, 0);

    /// <summary>
    /// IOTLB invalidation shared by IOTLB_REG and iotlb_inv_dsc (IIRG / G encoding). Returns the
    /// granularity performed: page-selective is coarsened to domain-selective without CAP.PSI, and not
    /// performed (<see cref="InvalidationGranularity.None"/>) when AM &gt; CAP.MAMV or the granularity is 00.
    /// </summary>
    public InvalidationGranularity Iotlb(
        InvalidationSource source, InvalidationGranularity granularity, ushort did, ulong address, int am, bool invalidationHint)
    {
        switch (granularity)
        {
            case InvalidationGranularity.Global:
                IotlbGlobal(source);
                return InvalidationGranularity.Global;
            case InvalidationGranularity.DomainSelective:
                IotlbDomain(source, did);
                return InvalidationGranularity.DomainSelective;
            case InvalidationGranularity.PageSelective when !cap.PSI:
                IotlbDomain(source, did);
                _totals.Coarsened++;
                return InvalidationGranularity.DomainSelective;
            case InvalidationGranularity.PageSelective when am <= cap.MAMV:
                IotlbPages(source, did, address, am, invalidationHint);
                return InvalidationGranularity.PageSelective;
            default:
                return InvalidationGranularity.None;
        }
    }

    /// <summary>SRTP latched RTADDR on a unit with CAP.ESRTPS: every DMA-remapping cache is invalidated globally.</summary>
    public void RootTablePointerLatched()
    {
        ContextGlobal(InvalidationSource.TablePointer);
        PasidCacheGlobal(InvalidationSource.TablePointer);
        IotlbGlobal(InvalidationSource.TablePointer);
    }

    /// <summary>CAP.RWBF: an invalidation flushes write buffers first. Guest memory is coherent, so only counted.</summary>
    public void FlushWriteBuffersImplicitly()
    {
        if (cap.RWBF)
        {
            _totals.WriteBufferFlushes++;
        }
    }

    private void Done(InvalidationSource source, InvalidationRequest request, int removed)
    {
        _performed[((int)source * InvalidationStatistics.RequestCount) + (int)request]++;
        _totals.EntriesRemoved += removed;
    }
}
