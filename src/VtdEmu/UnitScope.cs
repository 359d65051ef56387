namespace VtdEmu;

/// <summary>
/// Which requesters a remapping unit covers (a DRHD's device scope, VT-d spec §8.3): every device not
/// claimed by another unit (INCLUDE_PCI_ALL), and/or listed endpoints and bus ranges (the buses below a
/// listed bridge). spec-notes/dmar.md §4.
/// </summary>
/// <param name="IncludeAll">INCLUDE_PCI_ALL: the unit takes every requester no other unit lists.</param>
/// <param name="Endpoints">Requester ids listed explicitly (endpoints and the bridges themselves).</param>
/// <param name="Buses">Bus ranges (inclusive) of listed sub-hierarchies.</param>
public sealed record UnitScope(bool IncludeAll, IReadOnlyCollection<ushort> Endpoints, IReadOnlyList<(byte First, byte Last)> Buses)
{
    /// <summary>The scope of a unit that covers everything not listed elsewhere.</summary>
    public static UnitScope All { get; } = new(true, [], []);

    /// <summary>A scope listing <paramref name="endpoints"/>.</summary>
    public static UnitScope Of(params ushort[] endpoints) => new(false, endpoints, []);

    /// <summary>Whether the scope lists <paramref name="sourceId"/> explicitly (INCLUDE_PCI_ALL does not count).</summary>
    public bool Lists(ushort sourceId)
    {
        if (Endpoints.Contains(sourceId))
        {
            return true;
        }

        int bus = sourceId >> 8;
        foreach ((byte first, byte last) in Buses)
        {
            if (bus >= first && bus <= last)
            {
                return true;
            }
        }

        return false;
    }
}
