namespace VtdEmu.Iommu;

/// <summary>
/// Countable record of modelled kernel WARNs (spec-notes/iommu-core.md "WARNs": a WARN is a diagnostic event, not a
/// state change). Thread-safe.
/// </summary>
public sealed class IommuDiagnostics
{
    private readonly Lock _lock = new();
    private readonly List<IommuWarningRecord> _records = [];

    /// <summary>Total WARNs so far.</summary>
    public int WarnCount
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>A copy of every WARN so far, in order.</summary>
    public IReadOnlyList<IommuWarningRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>How many times <paramref name="warning"/> fired.</summary>
    public int Count(IommuWarning warning)
    {
        lock (_lock)
        {
            int n = 0;
            foreach (IommuWarningRecord r in _records)
            {
                if (r.Warning == warning)
                {
                    n++;
                }
            }

            return n;
        }
    }

    internal void Warn(IommuWarning warning, IommuGroup? group)
    {
        lock (_lock)
        {
            _records.Add(new IommuWarningRecord(warning, group?.Id ?? -1));
        }
    }
}
