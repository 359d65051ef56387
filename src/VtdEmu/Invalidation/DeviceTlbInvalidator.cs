using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Internal;

namespace VtdEmu.Invalidation;

/// <summary>
/// Device-TLB invalidation (dev_tlb_inv_dsc and p_dev_tlb_inv_dsc, VT-d spec §6.5.2.5, §6.5.2.8):
/// sends the ATS invalidate request to the device — a device-TLB attached with <see cref="Attach"/>
/// drops exactly the range the descriptor names (spec-notes/device-tlb.md §3) — and applies its answer,
/// as set per source-id with <see cref="SetBehaviour"/>. Not thread-safe: the unit calls it under its
/// state lock.
/// </summary>
internal sealed class DeviceTlbInvalidator
{
    private readonly Dictionary<ushort, DeviceTlbBehaviour> _behaviours = [];
    private readonly Dictionary<ushort, DeviceTlb> _tlbs = [];
    private readonly InvalidationEngine _engine;
    private readonly FaultRecorder _faults;

    public DeviceTlbInvalidator(InvalidationQueue queue, InvalidationEngine engine, FaultRecorder faults)
    {
        _engine = engine;
        _faults = faults;
        queue.Handle(InvalidationDescriptorType.DeviceTlb, InvalidateDeviceTlb);
        queue.Handle(InvalidationDescriptorType.PasidDeviceTlb, InvalidatePasidDeviceTlb);
    }

    /// <summary>How the device with <paramref name="sourceId"/> answers; every device completes by default.</summary>
    public void SetBehaviour(ushort sourceId, DeviceTlbBehaviour behaviour) => _behaviours[sourceId] = behaviour;

    /// <summary>Connects the device-TLB of <paramref name="sourceId"/>: its ATS invalidate requests now reach it.</summary>
    public void Attach(ushort sourceId, DeviceTlb tlb) => _tlbs[sourceId] = tlb;

    // dev_tlb_inv_dsc: SID QW0 47:32, ADDR QW1 63:12, S QW1 0; requests without PASID. A device that
    // times out or completes badly still acted on the request (the error is in its completion).
    private bool InvalidateDeviceTlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        ushort sourceId = (ushort)Bits.Get(descriptor.Qw0, 47, 32);
        if (_tlbs.TryGetValue(sourceId, out DeviceTlb? tlb))
        {
            (ulong first, ulong last) = DeviceTlb.DecodeRange(descriptor.Qw1, Bits.IsSet(descriptor.Qw1, 0));
            tlb.Invalidate(first, last, pasid: null);
        }

        return Invalidate(sourceId, InvalidationRequest.DeviceTlb, ref fetch);
    }

    // p_dev_tlb_inv_dsc: SID QW0 31:16, PASID QW0 51:32, G QW1 0 (every PASID), S QW1 11, ADDR QW1 63:12.
    private bool InvalidatePasidDeviceTlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        ushort sourceId = (ushort)Bits.Get(descriptor.Qw0, 31, 16);
        if (_tlbs.TryGetValue(sourceId, out DeviceTlb? tlb))
        {
            (ulong first, ulong last) = DeviceTlb.DecodeRange(descriptor.Qw1, Bits.IsSet(descriptor.Qw1, 11));
            tlb.Invalidate(first, last, descriptor.PASID, allPasids: Bits.IsSet(descriptor.Qw1, 0));
        }

        return Invalidate(sourceId, InvalidationRequest.PasidDeviceTlb, ref fetch);
    }

    // ITE is reported by the queue when fetching stops; ICE at once.
    private bool Invalidate(ushort sourceId, InvalidationRequest request, ref QueueFetch fetch)
    {
        _engine.Counted(InvalidationSource.Queue, request);
        switch (_behaviours.GetValueOrDefault(sourceId))
        {
            case DeviceTlbBehaviour.TimesOut:
                _engine.Totals.Timeouts++;
                fetch.DeviceTimedOut(sourceId);
                break;
            case DeviceTlbBehaviour.BadCompletion:
                _engine.Totals.CompletionErrors++;
                _faults.ReportInvalidationCompletionError(sourceId);
                break;
            default:
                break;
        }

        return false;
    }
}
