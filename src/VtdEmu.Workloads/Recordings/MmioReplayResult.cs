namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// What <see cref="MmioReplayer"/> found: counts per check and every mismatch, in the order found.
/// </summary>
public sealed class MmioReplayResult
{
    /// <summary>Every mismatch, documented departures included.</summary>
    public List<ReplayMismatch> Mismatches { get; } = [];

    /// <summary>The unit built from the recording's VER/CAP/ECAP; null when they could not describe one.</summary>
    public Registers.UnitConfiguration? Configuration { get; internal set; }

    /// <summary>Lines of mmio.trace replayed.</summary>
    public int Accesses { get; internal set; }

    /// <summary>R lines.</summary>
    public int Reads { get; internal set; }

    /// <summary>R lines whose value the model returned.</summary>
    public int ReadsMatched { get; internal set; }

    /// <summary>Descriptors in qi.trace.</summary>
    public int DescriptorsRecorded { get; internal set; }

    /// <summary>Descriptors the model's queue processed (seen by its <see cref="Invalidation.IInvalidationObserver"/>).</summary>
    public int DescriptorsProcessed { get; internal set; }

    /// <summary>Processed descriptors equal to the recorded one (slot and words).</summary>
    public int DescriptorsMatched { get; internal set; }

    /// <summary>Wait descriptors whose status write the model performed.</summary>
    public int StatusWritesMatched { get; internal set; }

    /// <summary>Registers at reset compared with regs-reset.txt / equal.</summary>
    public (int Compared, int Matched) ResetRegisters { get; internal set; }

    /// <summary>Registers at the end compared with regs-final.txt / equal.</summary>
    public (int Compared, int Matched) FinalRegisters { get; internal set; }

    /// <summary>Lines of translations.trace.</summary>
    public int Translations { get; internal set; }

    /// <summary>Translations the final tables still map, and translate the same way.</summary>
    public int TranslationsMatched { get; internal set; }

    /// <summary>Translations whose page the final tables no longer map (unmapped after they ran).</summary>
    public int TranslationsUnmapped { get; internal set; }

    /// <summary>Whether the recording lists its interrupt-remapping table (mem-decode.txt).</summary>
    public bool HasInterruptRemapping { get; internal set; }

    /// <summary>Present IRTEs the recording lists.</summary>
    public int IrtesRecorded { get; internal set; }

    /// <summary>Recorded IRTEs found in the final IRT, raw and decoded alike.</summary>
    public int IrtesMatched { get; internal set; }

    /// <summary>MSIs sent, one per recorded IRTE, from the device its SID names.</summary>
    public int InterruptsSent { get; internal set; }

    /// <summary>MSIs the model remapped as the IRTE says.</summary>
    public int InterruptsRemapped { get; internal set; }

    /// <summary>Mismatches that no documented departure explains.</summary>
    public int Failures => Mismatches.Count(m => m.Documented is null);

    /// <summary>True when every mismatch is a documented departure of the recorded hardware.</summary>
    public bool Passed => Failures == 0;
}
