using VtdEmu.Workloads.Sweeps;

namespace VtdEmu.Cli.Plotting;

/// <summary>
/// <c>sweep --plot FILE</c>: throughput (<c>gbit_per_s</c>) against the window on a log axis, one
/// line per combination of the other axes that vary in the grid (labelled <c>page_size=2M, translation=on</c>).
/// A sweep of traces only (no window) is drawn against the point number.
/// </summary>
internal static class SweepPlot
{
    private const string SeriesColumn = "series";

    // The grid's axes that may name a line; window_bytes is the x axis.
    private static readonly string[] Axes = ["preset", "translation", "iotlb_entries", "iotlb_ways", "iotlb_policy", "page_size", "pattern", "trace", "access_size", "direction", "dmas"];

    /// <summary>Draws the rows (cells in <see cref="SweepTable.Columns"/> order) into <paramref name="output"/>; returns a one-line error or null.</summary>
    public static string? TrySave(IReadOnlyList<string[]> rows, string output)
    {
        IReadOnlyList<string> columns = SweepTable.Columns;
        int[] varying = [.. Axes.Select(a => IndexOf(columns, a)).Where(i => rows.Select(r => r[i]).Distinct().Skip(1).Any())];
        IEnumerable<IReadOnlyList<string>> labelled = rows.Select(r => (IReadOnlyList<string>)[.. r, string.Join(", ", varying.Select(i => $"{columns[i]}={r[i]}"))]);
        var table = CsvTable.FromRows("sweep", [.. columns, SeriesColumn], labelled);

        int window = IndexOf(columns, "window_bytes");
        bool windows = rows.Any(r => r[window].Length > 0);
        var spec = new LineChart.Spec(
            windows ? "window_bytes" : "point",
            "gbit_per_s",
            varying.Length == 0 ? null : SeriesColumn,
            LogX: windows && rows.Select(r => r[window]).Distinct().Skip(2).Any(),
            Title: "vtdemu sweep: modelled throughput");
        return LineChart.TrySave(table, spec, output);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no sweep column '{name}'");
    }
}
