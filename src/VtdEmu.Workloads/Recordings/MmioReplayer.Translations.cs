using VtdEmu.Faults;
using VtdEmu.Translation;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

public sealed partial class MmioReplayer
{
    // Each recorded translation against the final tables (spec-notes/replay-mmio.md §3): a page the
    // tables still map must give the recorded output and page size; a page whose leaf entry is no
    // longer present (the driver unmapped it later) counts as unmapped; any other fault is a mismatch.
    private void CheckTranslations()
    {
        foreach (RecordedTranslation recorded in _recording.Translations)
        {
            _result.Translations++;
            TranslationResult result = _unit.Translate(DmaRequest.Read(recorded.SourceId, recorded.Iova));
            if (result.Fault is FaultReason.ReadDenied or FaultReason.ScalableReadDenied)
            {
                // A write-only mapping (DMA from the device) denies reads: ask as the device would have.
                result = _unit.Translate(DmaRequest.Write(recorded.SourceId, recorded.Iova));
            }

            var location = new SourceLocation(LinuxBootRecording.TranslationTrace, recorded.Line);
            string device = Bdf.FromSourceId(recorded.SourceId).ToString();
            if (result.IsSuccess)
            {
                if (result.OutputAddress == recorded.Gpa && result.PageSize - 1 == recorded.Mask)
                {
                    _result.TranslationsMatched++;
                }
                else
                {
                    Fail(ReplayCheck.Translation, location, device,
                        $"IOVA 0x{recorded.Iova:x}: recorded 0x{recorded.Gpa:x} (mask 0x{recorded.Mask:x}), model 0x{result.OutputAddress:x} (mask 0x{result.PageSize - 1:x})");
                }
            }
            else if (IsNotMapped(result.Fault))
            {
                _result.TranslationsUnmapped++;
            }
            else
            {
                Fail(ReplayCheck.Translation, location, device, $"IOVA 0x{recorded.Iova:x}: recorded 0x{recorded.Gpa:x}, model {result}");
            }
        }
    }

    // Faults that mean "no present leaf for this address" (legacy §7.1.3 reasons 5/6; scalable 0x79, 0x85, 0x86).
    private static bool IsNotMapped(FaultReason fault) => fault is FaultReason.ReadDenied or FaultReason.WriteDenied
        or FaultReason.SecondLevelEntryNotPresent or FaultReason.ScalableReadDenied or FaultReason.ScalableWriteDenied
        or FaultReason.FirstLevelEntryNotPresent;
}
