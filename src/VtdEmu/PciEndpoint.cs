using VtdEmu.Caches;
using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// A DMA-capable PCI endpoint behind a remapping unit. Each transfer is split at 4 KiB boundaries of
/// the IOVA (the largest unit a PCIe request may not cross is 4 KiB), each piece is translated by the
/// unit, and the bytes move to or from guest RAM at the translated address. With ATS enabled the
/// endpoint can also translate through its own device-TLB and send translated requests
/// (spec-notes/device-tlb.md).
/// </summary>
public sealed class PciEndpoint
{
    private const ulong ChunkSize = PageGeometry.PageSize;

    /// <summary>PRG indexes are 9 bits (PCIe PRI).</summary>
    public const int PageRequestGroupCount = 512;

    private readonly Platform _platform;

    // The last page group response per PRG index; null until page requests are enabled.
    private PageGroupResponse?[]? _pageResponses;

    internal PciEndpoint(Platform platform, ushort sourceId)
    {
        _platform = platform;
        SourceId = sourceId;
    }

    /// <summary>The requester id: bus in bits 15:8, device in 7:3, function in 2:0.</summary>
    public ushort SourceId { get; }

    /// <summary>The address as <c>bb:dd.f</c>.</summary>
    public PciBdf Bdf => PciBdf.FromSourceId(SourceId);

    /// <summary>The device-TLB, when ATS is enabled (<see cref="EnableAts"/>); null otherwise.</summary>
    public DeviceTlb? DeviceTlb { get; private set; }

    /// <summary>The remapping unit this endpoint's requests go through.</summary>
    public RemappingUnit Unit => _platform.UnitFor(SourceId);

    /// <summary>
    /// Enables ATS with a device-TLB of <paramref name="geometry"/> (default <see cref="DeviceTlb.DefaultGeometry"/>)
    /// and connects it to the unit so device-TLB invalidations for this requester reach it.
    /// </summary>
    public DeviceTlb EnableAts(CacheGeometry? geometry = null)
    {
        DeviceTlb ??= new DeviceTlb(geometry ?? DeviceTlb.DefaultGeometry);
        Unit.AttachDeviceTlb(SourceId, DeviceTlb);
        return DeviceTlb;
    }

    /// <summary>
    /// Sends an ATS translation request for <paramref name="iova"/> and caches a completion that grants
    /// access in the device-TLB (ATS must be enabled; without it the completion is returned uncached).
    /// </summary>
    public AtsCompletion AtsTranslate(ulong iova, uint? pasid = null, bool write = false)
    {
        AtsCompletion completion = Unit.TranslateForDevice(SourceId, iova, pasid, write);
        if (completion.GrantsAccess)
        {
            DeviceTlb?.Fill(new DeviceTlbEntry(pasid.HasValue, pasid.GetValueOrDefault(), completion.InputPage, completion.OutputPage, completion.PageShift, completion.Read, completion.Write));
        }

        return completion;
    }

    /// <summary>Whether the page request interface (PRI) is enabled (<see cref="EnablePageRequests"/>).</summary>
    public bool PageRequestsEnabled => _pageResponses is not null;

    /// <summary>Enables the page request interface: the device may send page requests and receives page group responses.</summary>
    public void EnablePageRequests()
    {
        _pageResponses ??= new PageGroupResponse?[PageRequestGroupCount];
        Unit.AttachPageRequester(SourceId, OnPageGroupResponse);
    }

    /// <summary>
    /// Sends one page request for <paramref name="iova"/> (read access, and write access with
    /// <paramref name="write"/>) in page request group <paramref name="groupIndex"/>; the group's earlier
    /// response, if any, is forgotten. Spec-notes/page-requests.md §3.
    /// </summary>
    /// <exception cref="InvalidOperationException">Page requests are not enabled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groupIndex"/> is not a 9-bit PRG index.</exception>
    public PageRequestOutcome RequestPage(ulong iova, ushort groupIndex, uint? pasid = null, bool write = false, bool lastInGroup = true)
    {
        PageGroupResponse?[] responses = _pageResponses ?? throw new InvalidOperationException($"{this}: page requests are not enabled.");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(groupIndex, PageRequestGroupCount);
        responses[groupIndex] = null;
        return Unit.RequestPage(new PageRequest(SourceId, iova, Read: true, write, lastInGroup, groupIndex, pasid));
    }

    /// <summary>The last page group response received for <paramref name="groupIndex"/>; null while none arrived (or PRI is off).</summary>
    public PageGroupResponse? PageResponse(ushort groupIndex) =>
        _pageResponses is { } responses && groupIndex < PageRequestGroupCount ? responses[groupIndex] : null;

    /// <summary>
    /// A translation request; when the completion grants less than the access needs (not present or no
    /// permission, VT-d spec §4.2.3) and PRI is enabled, also a page request (last in group
    /// <paramref name="groupIndex"/>), whose outcome is in <paramref name="pageRequest"/> (null when none was sent).
    /// </summary>
    public AtsCompletion AtsTranslateOrRequestPage(ulong iova, ushort groupIndex, out PageRequestOutcome? pageRequest, uint? pasid = null, bool write = false)
    {
        AtsCompletion completion = AtsTranslate(iova, pasid, write);
        bool enough = completion.Success && (write ? completion.Write : completion.Read);
        pageRequest = completion.Success && !enough && PageRequestsEnabled
            ? RequestPage(iova, groupIndex, pasid, write)
            : null;
        return completion;
    }

    /// <summary>
    /// Reads <c>destination.Length</c> bytes at <paramref name="iova"/> (a device-to-memory read of host
    /// memory). With <paramref name="translated"/> the device translates through its device-TLB (a
    /// translation request on a miss) and sends translated requests (AT = 10b). <paramref name="privileged"/> and
    /// <paramref name="execute"/> are the PASID prefix's PR and ER attributes (untranslated requests with a PASID).
    /// </summary>
    public DmaResult Read(ulong iova, Span<byte> destination, uint? pasid = null, bool translated = false, bool privileged = false, bool execute = false)
    {
        ulong done = 0;
        while (done < (ulong)destination.Length)
        {
            ulong address = unchecked(iova + done);
            int chunk = (int)Math.Min((ulong)destination.Length - done, ChunkSize - (address & (ChunkSize - 1)));
            if (!TryTranslate(address, DmaAccess.Read, pasid, translated, privileged, execute, out ulong target, out DmaResult blocked))
            {
                return blocked with { BytesTransferred = done };
            }

            if (!_platform.Memory.TryRead(target, destination.Slice((int)done, chunk)))
            {
                return new DmaResult(DmaStatus.UnsupportedRequest, done, default, address);
            }

            done += (ulong)chunk;
        }

        return new DmaResult(DmaStatus.Completed, done, default, unchecked(iova + done));
    }

    /// <summary>Writes <paramref name="source"/> at <paramref name="iova"/> (a device-to-memory write); <paramref name="translated"/> as for <see cref="Read"/>.</summary>
    public DmaResult Write(ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool translated = false, bool privileged = false, bool execute = false)
    {
        ulong done = 0;
        while (done < (ulong)source.Length)
        {
            ulong address = unchecked(iova + done);
            int chunk = (int)Math.Min((ulong)source.Length - done, ChunkSize - (address & (ChunkSize - 1)));
            if (!TryTranslate(address, DmaAccess.Write, pasid, translated, privileged, execute, out ulong target, out DmaResult blocked))
            {
                return blocked with { BytesTransferred = done };
            }

            if (!_platform.Memory.TryWrite(target, source.Slice((int)done, chunk)))
            {
                return new DmaResult(DmaStatus.UnsupportedRequest, done, default, address);
            }

            done += (ulong)chunk;
        }

        return new DmaResult(DmaStatus.Completed, done, default, unchecked(iova + done));
    }

    /// <summary>
    /// Raises an MSI: a DWORD write of <paramref name="data"/> to <paramref name="address"/> (0xFEEx_xxxx),
    /// which the unit remaps, posts, passes through or blocks (VT-d spec ch. 5).
    /// </summary>
    public InterruptRemapResult SignalMsi(ulong address, uint data) => Unit.SignalInterrupt(SourceId, address, data);

    public override string ToString() => $"PCI {Bdf}";

    // One 4 KiB piece: untranslated through the unit, or translated through the device-TLB and then
    // checked by the unit as a translated request.
    private bool TryTranslate(ulong address, DmaAccess access, uint? pasid, bool translated, bool privileged, bool execute, out ulong target, out DmaResult blocked)
    {
        blocked = default;
        target = 0;
        RemappingUnit unit = Unit;
        if (!translated)
        {
            TranslationResult result = unit.Translate(new DmaRequest(SourceId, address, access, pasid: pasid, privileged: privileged, execute: execute));
            target = result.OutputAddress;
            return result.IsSuccess || Blocked(result, address, out blocked);
        }

        bool write = access == DmaAccess.Write;
        if (DeviceTlb is not { } tlb || !tlb.TryLookup(address, pasid, out DeviceTlbEntry entry) || (write && !entry.Write))
        {
            AtsCompletion completion = AtsTranslate(address, pasid, write);
            if (!completion.Success || !(write ? completion.Write : completion.Read))
            {
                // No usable translation: the device does not issue the request (it may send a page request).
                blocked = new DmaResult(DmaStatus.Faulted, 0, completion.Fault == FaultReason.None ? (write ? FaultReason.WriteDenied : FaultReason.ReadDenied) : completion.Fault, address);
                return false;
            }

            entry = new DeviceTlbEntry(pasid.HasValue, pasid.GetValueOrDefault(), completion.InputPage, completion.OutputPage, completion.PageShift, completion.Read, completion.Write);
        }

        ulong physical = entry.OutputPage + (address - entry.InputPage);
        TranslationResult checkedResult = unit.Translate(new DmaRequest(SourceId, physical, access, AddressType.Translated, pasid));
        target = physical;
        return checkedResult.IsSuccess || Blocked(checkedResult, address, out blocked);
    }

    private void OnPageGroupResponse(PageGroupResponse response)
    {
        if (_pageResponses is { } responses)
        {
            responses[response.GroupIndex & (PageRequestGroupCount - 1)] = response;
        }
    }

    private static bool Blocked(in TranslationResult translation, ulong address, out DmaResult blocked)
    {
        blocked = translation.Aborted
            ? new DmaResult(DmaStatus.Aborted, 0, default, address)
            : new DmaResult(DmaStatus.Faulted, 0, translation.Fault, address);
        return false;
    }
}
