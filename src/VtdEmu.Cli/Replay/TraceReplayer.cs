using VtdEmu.Faults;
using VtdEmu.Scenarios;

namespace VtdEmu.Cli.Replay;

/// <summary>Issues a trace's accesses as DMA on a platform and counts the outcomes.</summary>
internal static class TraceReplayer
{
    /// <summary>Replays every access in order; returns the count per outcome (<see cref="FaultReason.None"/> = ok).</summary>
    public static SortedDictionary<FaultReason, long> Replay(IScenarioTarget target, IReadOnlyList<TraceAccess> accesses)
    {
        var outcomes = new SortedDictionary<FaultReason, long>();
        byte[] buffer = new byte[ScenarioParser.MaxDmaLength];
        foreach (TraceAccess access in accesses)
        {
            Span<byte> data = buffer.AsSpan(0, (int)access.Length);
            DmaOutcome outcome = access.Direction == DmaDirection.Read
                ? target.DmaRead(access.Device.SourceId, access.Iova, data)
                : target.DmaWrite(access.Device.SourceId, access.Iova, data);
            outcomes[outcome.Fault] = outcomes.GetValueOrDefault(outcome.Fault) + 1;
        }

        return outcomes;
    }
}
