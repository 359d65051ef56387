using System.Globalization;
using System.Text;
using VtdEmu.Caches;
using VtdEmu.Workloads.Mapping;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>
/// Sweep results as rows: the grid's axes, then the functional counts, then the modelled timing
/// (column names in the README, "vtdemu sweep"). CSV or JSON Lines; numbers in invariant culture
/// with fixed precision, so equal results give equal bytes.
/// </summary>
public static class SweepTable
{
    /// <summary>Every column, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "point", "preset", "translation", "iotlb_entries", "iotlb_ways", "iotlb_policy", "page_size", "pattern", "trace",
        "window_bytes", "access_size", "direction", "dmas",
        "translations", "iotlb_hit_rate", "walks", "table_reads_per_dma", "faults",
        "dmas_per_s", "gbit_per_s", "mean_latency_ns", "p95_latency_ns", "loaded_latency_ns", "bound", "calibrated",
    ];

    // Columns written as JSON strings; the rest are numbers (or null when empty).
    private static readonly HashSet<string> TextColumns = ["preset", "translation", "iotlb_policy", "page_size", "pattern", "trace", "direction", "bound", "calibrated"];

    /// <summary>One result's cells, in <see cref="Columns"/> order.</summary>
    public static string[] Cells(SweepResult result, TranslationCacheOptions presetCaches)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(presetCaches);
        SweepPoint p = result.Point;
        return
        [
            Int(p.Index),
            p.Preset,
            p.Translation ? "on" : "off",
            Int(p.IotlbEntries ?? presetCaches.Iotlb.Entries),
            Int(p.IotlbWays ?? presetCaches.Iotlb.Ways),
            ScenarioParser.PolicyName(p.IotlbPolicy ?? presetCaches.Iotlb.Policy),
            DefaultMapping.Format(p.PageSize),
            p.Pattern.ToString().ToLowerInvariant(),
            p.TracePath ?? string.Empty,
            p.Pattern == SweepPattern.Trace ? string.Empty : p.WindowBytes.ToString(CultureInfo.InvariantCulture),
            Int(p.AccessSize),
            p.Direction == DmaDirection.Read ? "read" : "write",
            p.Dmas.ToString(CultureInfo.InvariantCulture),
            result.Translations.ToString(CultureInfo.InvariantCulture),
            double.IsNaN(result.IotlbHitRate) ? string.Empty : Counts.HitFraction(result.IotlbHitRate),
            result.Walks.ToString(CultureInfo.InvariantCulture),
            Number(result.TableReadsPerDma, "0.000000"),
            result.Faults.ToString(CultureInfo.InvariantCulture),
            Number(result.Timing.DmasPerSecond, "0"),
            Number(result.Timing.GbitPerSecond, "0.000"),
            Number(result.Timing.MeanLatencyNs, "0.0"),
            Number(result.Timing.P95LatencyNs, "0.0"),
            Number(result.Timing.LoadedLatencyNs, "0.0"),
            result.Timing.Bound,
            result.Calibrated ? "yes" : "no",
        ];
    }

    /// <summary>The CSV header line.</summary>
    public static string CsvHeader => string.Join(',', Columns);

    /// <summary>One CSV line (cells quoted when they hold a comma or a quote).</summary>
    public static string CsvLine(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return string.Join(',', cells.Select(c => c.Contains(',', StringComparison.Ordinal) || c.Contains('"', StringComparison.Ordinal) ? $"\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : c));
    }

    /// <summary>One JSON Lines object with the columns as keys.</summary>
    public static string JsonLine(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var line = new StringBuilder("{");
        for (int i = 0; i < Columns.Count; i++)
        {
            line.Append(i == 0 ? string.Empty : ",").Append('"').Append(Columns[i]).Append("\":");
            string cell = cells[i];
            if (TextColumns.Contains(Columns[i]))
            {
                line.Append(System.Text.Json.JsonSerializer.Serialize(cell));
            }
            else
            {
                line.Append(cell.Length == 0 ? "null" : cell);
            }
        }

        return line.Append('}').ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : string.Empty;
}
