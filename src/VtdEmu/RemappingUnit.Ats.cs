using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Invalidation;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// The ATS side of the unit (VT-d spec ch. 4): translation requests from devices with a device-TLB,
/// and the delivery of device-TLB invalidations (descriptor types 3 and 8) to those devices.
/// Translated requests go through <see cref="Translate"/>, which blocks them unless the context
/// (TT = 01b) or scalable-mode context (DTE = 1) allows device-TLBs. spec-notes/device-tlb.md.
/// </summary>
public sealed partial class RemappingUnit
{
    private readonly Dictionary<ushort, DeviceTlb> _deviceTlbs = [];

    /// <summary>
    /// Answers one ATS translation request for <paramref name="address"/> (write access asked when
    /// <paramref name="write"/>). No-permission and not-present results complete successfully with
    /// the rights the tables grant (possibly none) and are not recorded; every other fault is an
    /// unsuccessful completion, recorded like a DMA fault.
    /// </summary>
    public AtsCompletion TranslateForDevice(ushort sourceId, ulong address, uint? pasid = null, bool write = false)
    {
        ulong page = address & ~0xFFFUL;
        if (!TranslationEnabled)
        {
            return new AtsCompletion(true, page, page, 12, true, true);
        }

        var root = new RootPointer(RootTableAddress, (int)RootTableMode);
        var request = new DmaRequest(sourceId, address, write ? DmaAccess.Write : DmaAccess.Read, AddressType.TranslationRequest, pasid);
        TranslationResult result = Translator.Translate(request, root);
        if (write && IsNoAccess(result.Fault))
        {
            // The page may still be readable: the completion reports R without W.
            result = Translator.Translate(new DmaRequest(sourceId, address, DmaAccess.Read, AddressType.TranslationRequest, pasid), root);
        }

        if (result.IsSuccess)
        {
            ulong mask = result.PageSize - 1;
            return new AtsCompletion(true, address & ~mask, result.OutputAddress & ~mask, result.PageShift, result.Read, result.Write);
        }

        if (IsNoAccess(result.Fault))
        {
            return new AtsCompletion(true, page, 0, 12, false, false, result.Fault);
        }

        if (result.ShouldRecord && !result.Aborted)
        {
            RecordDmaFault(request, result.Fault);
        }

        return new AtsCompletion(false, page, 0, 12, false, false, result.Fault);
    }

    /// <summary>Connects <paramref name="tlb"/> as the device-TLB of <paramref name="sourceId"/>: device-TLB invalidations for that SID reach it.</summary>
    internal void AttachDeviceTlb(ushort sourceId, DeviceTlb tlb)
    {
        lock (_stateLock)
        {
            _deviceTlbs[sourceId] = tlb;
        }
    }

    // Not-present and permission faults of the walk: a translation completion with no rights (§4.2.3).
    private static bool IsNoAccess(FaultReason fault) => fault is FaultReason.ReadDenied or FaultReason.WriteDenied
        or FaultReason.ScalableReadDenied or FaultReason.ScalableWriteDenied
        or FaultReason.SecondLevelEntryNotPresent or FaultReason.FirstLevelEntryNotPresent;

    // dev_tlb_inv_dsc: ADDR QW1 63:12, S QW1 bit 0, requests without PASID. p_dev_tlb_inv_dsc: PASID
    // QW0 51:32, G QW1 bit 0 (every PASID), S QW1 bit 11. A device answering with a time-out still
    // received the request and acted on it (notes §3).
    private void DeliverAtsInvalidation(ushort sourceId, in InvalidationDescriptor descriptor)
    {
        if (!_deviceTlbs.TryGetValue(sourceId, out DeviceTlb? tlb))
        {
            return;
        }

        ulong qw1 = descriptor.Qw1;
        if ((InvalidationDescriptorType)descriptor.Type == InvalidationDescriptorType.DeviceTlb)
        {
            (ulong first, ulong last) = DeviceTlb.DecodeRange(qw1, Bits.IsSet(qw1, 0));
            tlb.Invalidate(first, last, pasid: null);
        }
        else
        {
            (ulong first, ulong last) = DeviceTlb.DecodeRange(qw1, Bits.IsSet(qw1, 11));
            tlb.Invalidate(first, last, descriptor.PASID, allPasids: Bits.IsSet(qw1, 0));
        }
    }
}
