using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu.Devices;

/// <summary>
/// The unit's answer to ATS translation requests (VT-d spec ch. 4, spec-notes/device-tlb.md §2):
/// no-permission and not-present walks complete successfully with the rights the tables grant
/// (possibly none) and are not recorded; every other fault is an unsuccessful completion, recorded
/// like a DMA fault.
/// </summary>
internal sealed class TranslationRequests(DmaPath dma, GlobalCommandEngine commands)
{
    /// <summary>Answers one translation request for <paramref name="address"/> (write access asked when <paramref name="write"/>).</summary>
    public AtsCompletion Translate(ushort sourceId, ulong address, uint? pasid, bool write)
    {
        ulong page = address & PageGeometry.PageMask;
        if (!commands.TranslationEnabled)
        {
            return new AtsCompletion(true, page, page, 12, true, true);
        }

        var root = new RootPointer(commands.RootTableAddress, commands.RootTableMode);
        var request = new DmaRequest(sourceId, address, write ? DmaAccess.Write : DmaAccess.Read, AddressType.TranslationRequest, pasid);
        TranslationResult result = dma.Translator.Translate(request, root);
        if (write && IsNoAccess(result.Fault))
        {
            // The page may still be readable: the completion reports R without W.
            result = dma.Translator.Translate(new DmaRequest(sourceId, address, DmaAccess.Read, AddressType.TranslationRequest, pasid), root);
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
            dma.Record(request, result.Fault);
        }

        return new AtsCompletion(false, page, 0, 12, false, false, result.Fault);
    }

    // Not-present and permission faults of the walk: a translation completion with no rights (§4.2.3).
    private static bool IsNoAccess(FaultReason fault) => fault is FaultReason.ReadDenied or FaultReason.WriteDenied
        or FaultReason.ScalableReadDenied or FaultReason.ScalableWriteDenied
        or FaultReason.SecondLevelEntryNotPresent or FaultReason.FirstLevelEntryNotPresent;
}
