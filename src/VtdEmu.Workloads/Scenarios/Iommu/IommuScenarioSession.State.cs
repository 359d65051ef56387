using System.Globalization;
using VtdEmu.Invalidation;
using VtdEmu.Iommu.Topology;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios.Iommu;

public sealed partial class IommuScenarioSession
{
    private const ulong RtaddrOffset = 0x20;
    private const ulong AddressMask = PageGeometry.PageMask;

    /// <summary>
    /// The legacy context entry the hardware would use for <paramref name="node"/>'s DMA (its requester ID on the wire),
    /// read from guest RAM through RTADDR (spec §9.1, §9.3): <c>not-present</c>, or DID, TT, AW and SLPTPTR.
    /// Scalable-mode tables are not decoded here (the Intel driver model programs legacy mode).
    /// </summary>
    public string ContextEntry(PciTopologyNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ulong rtaddr = Platform.Unit.Read(RtaddrOffset, 8);
        if (((rtaddr >> 10) & 3) != 0)
        {
            return "scalable-mode";
        }

        PciBdf rid = node.DmaAliases[^1];
        if (!Platform.Memory.TryRead64((rtaddr & AddressMask) + (rid.Bus * 16UL), out ulong root) || (root & 1) == 0)
        {
            return "not-present";
        }

        ulong entry = (root & AddressMask) + ((ulong)(rid.SourceId & 0xFF) * 16);
        if (!Platform.Memory.TryRead64(entry, out ulong lo) || !Platform.Memory.TryRead64(entry + 8, out ulong hi) || (lo & 1) == 0)
        {
            return "not-present";
        }

        return string.Create(CultureInfo.InvariantCulture, $"did={(hi >> 8) & 0xFFFF} tt={(lo >> 2) & 3} aw={hi & 7} slptptr=0x{lo & AddressMask:x}");
    }

    /// <summary>Performed invalidations by kind since the previous <c>invalidations</c> line (or since boot).</summary>
    private string InvalidationsSinceLastCheck()
    {
        Dictionary<(InvalidationSource, InvalidationRequest), long> now = InvalidationCounts();
        List<string> parts = [];
        foreach (InvalidationRequest request in Enum.GetValues<InvalidationRequest>())
        {
            long n = 0;
            foreach (InvalidationSource source in Enum.GetValues<InvalidationSource>())
            {
                n += now[(source, request)] - _invalidationsSeen.GetValueOrDefault((source, request));
            }

            if (n != 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Kebab(request.ToString())}={n}"));
            }
        }

        _invalidationsSeen = now;
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }

    private Dictionary<(InvalidationSource, InvalidationRequest), long> InvalidationCounts()
    {
        InvalidationStatistics statistics = Platform.Unit.InvalidationStatistics;
        Dictionary<(InvalidationSource, InvalidationRequest), long> counts = [];
        foreach (InvalidationSource source in Enum.GetValues<InvalidationSource>())
        {
            foreach (InvalidationRequest request in Enum.GetValues<InvalidationRequest>())
            {
                counts[(source, request)] = statistics.Performed(source, request);
            }
        }

        return counts;
    }

    /// <summary>WARNs the core reported since the previous <c>warnings</c> line.</summary>
    private string WarningsSinceLastCheck()
    {
        var records = Core.Diagnostics.Records;
        string text = records.Count == _warningsSeen ? "none" : string.Join(' ', records.Skip(_warningsSeen).Select(r => r.Warning));
        _warningsSeen = records.Count;
        return text;
    }

    /// <summary><c>IotlbPage</c> → <c>iotlb-page</c>.</summary>
    internal static string Kebab(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
