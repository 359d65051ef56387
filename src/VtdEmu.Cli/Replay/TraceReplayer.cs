using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Replay;

/// <summary>
/// Issues a trace's accesses as DMA, batch by batch, and counts the outcomes. On a real platform,
/// consecutive single-page accesses of one device and direction go through the unit's
/// <see cref="DmaPort"/> as one batch (context resolved once, same results, caches and statistics as
/// one request at a time; spec-notes/traces.md, "Replay"), then their data moves to or from guest RAM
/// in trace order. Accesses that cross a 4-KiB boundary, or are empty, go through the device as a
/// whole (<see cref="PciEndpoint"/> splits them and stops at the first blocked piece).
/// </summary>
internal sealed class TraceReplayer
{
    private const int PortBatch = 1024;
    private const ulong PieceSize = PageGeometry.PageSize;

    private readonly IScenarioTarget _target;
    private readonly Platform? _platform;
    private readonly Dictionary<ushort, DmaPort> _ports = [];
    private readonly ulong[] _iovas = new ulong[PortBatch];
    private readonly TranslationResult[] _results = new TranslationResult[PortBatch];
    private readonly byte[] _data = new byte[ScenarioParser.MaxDmaLength];
    private readonly long[] _faults = new long[256];
    private long _ok;
    private long _aborted;
    private long _unsupported;

    public TraceReplayer(IScenarioTarget target)
    {
        _target = target;
        _platform = (target as PlatformScenarioTarget)?.Platform;
    }

    /// <summary>DMAs replayed so far.</summary>
    public long Replayed { get; private set; }

    /// <summary>Replays <paramref name="batch"/> in order.</summary>
    public void Replay(ReadOnlySpan<TraceAccess> batch)
    {
        int i = 0;
        while (i < batch.Length)
        {
            TraceAccess first = batch[i];
            if (_platform is null || !IsOnePiece(first))
            {
                Count(first.Direction == DmaDirection.Read
                    ? _target.DmaRead(first.Device.SourceId, first.Iova, _data.AsSpan(0, (int)first.Length))
                    : _target.DmaWrite(first.Device.SourceId, first.Iova, _data.AsSpan(0, (int)first.Length)));
                i++;
                continue;
            }

            ushort sourceId = first.Device.SourceId;
            int n = 0;
            while (i + n < batch.Length && n < PortBatch
                && batch[i + n].Device.SourceId == sourceId && batch[i + n].Direction == first.Direction && IsOnePiece(batch[i + n]))
            {
                _iovas[n] = batch[i + n].Iova;
                n++;
            }

            DmaAccess access = first.Direction == DmaDirection.Read ? DmaAccess.Read : DmaAccess.Write;
            Port(sourceId).Translate(_iovas.AsSpan(0, n), access, _results.AsSpan(0, n));
            for (int k = 0; k < n; k++)
            {
                Complete(batch[i + k], _results[k]);
            }

            i += n;
        }

        Replayed += batch.Length;
    }

    /// <summary>The count per outcome (ok, each fault reason, abort, ur); outcomes that did not occur are absent.</summary>
    public Dictionary<DmaOutcome, long> Outcomes()
    {
        var outcomes = new Dictionary<DmaOutcome, long>();
        Put(DmaOutcome.Ok, _ok);
        Put(DmaOutcome.Aborted, _aborted);
        Put(DmaOutcome.UnsupportedRequest, _unsupported);
        for (int reason = 1; reason < _faults.Length; reason++)
        {
            Put(new DmaOutcome((FaultReason)reason), _faults[reason]);
        }

        return outcomes;

        void Put(DmaOutcome outcome, long count)
        {
            if (count > 0)
            {
                outcomes[outcome] = count;
            }
        }
    }

    // PciEndpoint translates one request per 4-KiB piece: such an access is exactly one request.
    private static bool IsOnePiece(in TraceAccess access) =>
        access.Length > 0 && (access.Iova & (PieceSize - 1)) + access.Length <= PieceSize;

    private DmaPort Port(ushort sourceId)
    {
        if (!_ports.TryGetValue(sourceId, out DmaPort? port))
        {
            port = _platform!.UnitFor(sourceId).OpenPort(sourceId);
            _ports.Add(sourceId, port);
        }

        return port;
    }

    // As PciEndpoint does for one piece: a blocked request moves nothing; a translated one moves its
    // bytes, or is an Unsupported Request when the output is not RAM.
    private void Complete(in TraceAccess access, in TranslationResult result)
    {
        if (!result.IsSuccess)
        {
            Count(result.Aborted ? DmaOutcome.Aborted : new DmaOutcome(result.Fault));
            return;
        }

        Span<byte> data = _data.AsSpan(0, (int)access.Length);
        bool moved = access.Direction == DmaDirection.Read
            ? _platform!.Memory.TryRead(result.OutputAddress, data)
            : _platform!.Memory.TryWrite(result.OutputAddress, data);
        if (moved)
        {
            _ok++;
        }
        else
        {
            _unsupported++;
        }
    }

    private void Count(DmaOutcome outcome)
    {
        if (outcome.IsAborted)
        {
            _aborted++;
        }
        else if (outcome.IsUnsupportedRequest)
        {
            _unsupported++;
        }
        else if (outcome.IsOk)
        {
            _ok++;
        }
        else
        {
            _faults[(byte)outcome.Fault]++;
        }
    }
}
