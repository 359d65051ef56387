using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>One place where the model and a recording disagree.</summary>
/// <param name="Check">What was compared.</param>
/// <param name="Location">The recording's file and line.</param>
/// <param name="Subject">The register name, device or IRTE the line is about.</param>
/// <param name="Message">Recorded value, model value, and what differs.</param>
/// <param name="Documented">The documented departure of the recording's hardware from the spec that explains it, or null.</param>
public sealed record ReplayMismatch(ReplayCheck Check, SourceLocation Location, string Subject, string Message, RecordedHardwareDeviation? Documented = null)
{
    public override string ToString() =>
        Documented is { } known
            ? $"{Location}: {Subject}: {Message} — documented departure of the recorded hardware ({known.Section}, {known.Note})"
            : $"{Location}: {Subject}: {Message}";
}
