using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Replay;

/// <summary>Issues a trace's accesses as DMA on a platform and counts the outcomes.</summary>
internal static class TraceReplayer
{
    /// <summary>Replays every access in order; returns the count per outcome (ok, each fault reason, abort, ur).</summary>
    public static Dictionary<DmaOutcome, long> Replay(IScenarioTarget target, IReadOnlyList<TraceAccess> accesses)
    {
        var outcomes = new Dictionary<DmaOutcome, long>();
        byte[] buffer = new byte[ScenarioParser.MaxDmaLength];
        foreach (TraceAccess access in accesses)
        {
            Span<byte> data = buffer.AsSpan(0, (int)access.Length);
            DmaOutcome outcome = access.Direction == DmaDirection.Read
                ? target.DmaRead(access.Device.SourceId, access.Iova, data)
                : target.DmaWrite(access.Device.SourceId, access.Iova, data);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        return outcomes;
    }
}
