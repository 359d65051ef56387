using VtdEmu.Faults;
using VtdEmu.Internal;

namespace VtdEmu.Invalidation;

/// <summary>
/// Device-TLB invalidation (dev_tlb_inv_dsc and p_dev_tlb_inv_dsc, VT-d spec §6.5.2.5, §6.5.2.8):
/// sends the ATS invalidate request to the device and applies its answer, as set per source-id with
/// <see cref="SetBehaviour"/>. Device-TLB contents are not modelled; only the completion is. Not
/// thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class DeviceTlbInvalidator
{
    private readonly Dictionary<ushort, DeviceTlbBehaviour> _behaviours = [];
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

    private bool InvalidateDeviceTlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch) =>
        Invalidate((ushort)Bits.Get(descriptor.Qw0, 47, 32), InvalidationRequest.DeviceTlb, ref fetch);

    private bool InvalidatePasidDeviceTlb(in InvalidationDescriptor descriptor, ref QueueFetch fetch) =>
        Invalidate((ushort)Bits.Get(descriptor.Qw0, 31, 16), InvalidationRequest.PasidDeviceTlb, ref fetch);

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
