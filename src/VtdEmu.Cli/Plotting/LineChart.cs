using System.Globalization;
using ScottPlot;

namespace VtdEmu.Cli.Plotting;

/// <summary>
/// A line chart of one CSV column against another, one line per value of an optional series
/// column (in order of first appearance), drawn with ScottPlot and saved as SVG or PNG by the output
/// file's extension. Empty cells (a hit rate with translation off) are skipped; anything else that is
/// not a number is an error naming its line.
/// </summary>
internal static class LineChart
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>What to plot.</summary>
    /// <param name="X">The x column.</param>
    /// <param name="Y">The y column.</param>
    /// <param name="Series">The column whose values name the lines, or null for one line.</param>
    /// <param name="LogX">A base-2 logarithmic x axis (sizes and windows).</param>
    /// <param name="Title">The chart's title, or null for "Y vs X".</param>
    public sealed record Spec(string X, string Y, string? Series, bool LogX, string? Title = null);

    /// <summary>The output formats, by file extension.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".svg", ".png"];

    /// <summary>Draws <paramref name="table"/> as <paramref name="spec"/> says into <paramref name="output"/>; returns a one-line error or null.</summary>
    public static string? TrySave(CsvTable table, Spec spec, string output)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        string extension = Path.GetExtension(output).ToLowerInvariant();
        if (!Extensions.Contains(extension))
        {
            return $"{output}: expected a file name ending in .svg or .png";
        }

        string? xError = Column(table, spec.X, "--x", out int x);
        string? yError = Column(table, spec.Y, "--y", out int y);
        int series = -1;
        string? seriesError = spec.Series is null ? null : Column(table, spec.Series, "--series", out series);
        if ((xError ?? yError ?? seriesError) is { } error)
        {
            return error;
        }

        var lines = new List<(string Name, List<(double X, double Y)> Points)>();
        foreach (CsvRow row in table.Rows)
        {
            if (row.Cells[x].Length == 0 || row.Cells[y].Length == 0)
            {
                continue;
            }

            string? xBad = Number(table, row, x, out double xValue);
            string? yBad = Number(table, row, y, out double yValue);
            if ((xBad ?? yBad) is { } bad)
            {
                return bad;
            }

            if (spec.LogX && xValue <= 0)
            {
                return $"{table.Name}:{row.Line}: --log-x: column '{spec.X}' holds {row.Cells[x]}, not a positive number";
            }

            string name = series < 0 ? spec.Y : row.Cells[series];
            int index = lines.FindIndex(l => l.Name == name);
            if (index < 0)
            {
                lines.Add((name, []));
                index = lines.Count - 1;
            }

            lines[index].Points.Add((spec.LogX ? Math.Log2(xValue) : xValue, yValue));
        }

        if (lines.Count == 0)
        {
            return $"{table.Name}: no row has numbers in both '{spec.X}' and '{spec.Y}'";
        }

        return Save(Draw(lines, spec), output);
    }

    private static Plot Draw(List<(string Name, List<(double X, double Y)> Points)> lines, Spec spec)
    {
        var plot = new Plot();
        foreach ((string name, List<(double X, double Y)> points) in lines)
        {
            points.Sort((a, b) => a.X.CompareTo(b.X));
            ScottPlot.Plottables.Scatter scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.LegendText = lines.Count > 1 || spec.Series is not null ? name : string.Empty;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
        }

        if (spec.LogX)
        {
            plot.Axes.Bottom.TickGenerator = PowerOfTwoTicks(lines.SelectMany(l => l.Points).Select(p => p.X), spec.X);
        }

        plot.Title(spec.Title ?? $"{spec.Y} vs {spec.X}");
        plot.XLabel(spec.LogX ? $"{spec.X} (log scale)" : spec.X);
        plot.YLabel(spec.Y);
        if (lines.Count > 1 || spec.Series is not null)
        {
            plot.ShowLegend(Alignment.LowerLeft);
        }

        // Throughputs, rates and latencies read best from zero.
        if (lines.SelectMany(l => l.Points).All(p => p.Y >= 0))
        {
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        }

        return plot;
    }

    private static string? Save(Plot plot, string output)
    {
        try
        {
            if (Path.GetExtension(output).Equals(".png", StringComparison.OrdinalIgnoreCase))
            {
                plot.SavePng(output, Width, Height);
            }
            else
            {
                plot.SaveSvg(output, Width, Height);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"{output}: cannot write the file: {e.Message}";
        }
    }

    // Ticks at powers of two (every 2nd, 4th... when the range is wide), labelled 4K, 1M, 2G for byte columns.
    private static ScottPlot.TickGenerators.NumericManual PowerOfTwoTicks(IEnumerable<double> log2Values, string column)
    {
        double[] values = [.. log2Values];
        int low = (int)Math.Floor(values.Min());
        int high = (int)Math.Ceiling(values.Max());
        int step = Math.Max(1, (int)Math.Ceiling((high - low + 1) / 12.0));
        bool bytes = column.Contains("bytes", StringComparison.OrdinalIgnoreCase) || column.Contains("size", StringComparison.OrdinalIgnoreCase);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int exponent = low; exponent <= high; exponent++)
        {
            if ((exponent - low) % step == 0)
            {
                ticks.AddMajor(exponent, Label(exponent, bytes));
            }
            else
            {
                ticks.AddMinor(exponent);
            }
        }

        return ticks;
    }

    private static string Label(int exponent, bool bytes)
    {
        if (bytes && exponent >= 10)
        {
            string[] suffixes = ["K", "M", "G", "T", "P", "E"];
            int unit = Math.Min((exponent / 10) - 1, suffixes.Length - 1);
            return Math.Pow(2, exponent - (10 * (unit + 1))).ToString("0", CultureInfo.InvariantCulture) + suffixes[unit];
        }

        return Math.Pow(2, exponent).ToString("G6", CultureInfo.InvariantCulture);
    }

    private static string? Column(CsvTable table, string name, string option, out int index)
    {
        index = table.IndexOf(name);
        return index >= 0 ? null : $"{option}: no column '{name}' in {table.Name} (columns: {string.Join(", ", table.Columns)})";
    }

    private static string? Number(CsvTable table, CsvRow row, int column, out double value) =>
        double.TryParse(row.Cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)
            ? null
            : $"{table.Name}:{row.Line}: column '{table.Columns[column]}' holds '{row.Cells[column]}', not a number";
}
