using System.Globalization;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>Joins the CSV files of a sharded sweep into one table ordered by the <c>point</c> column, as one unsharded run writes it.</summary>
public static class SweepMerge
{
    /// <summary>The merged CSV text; throws <see cref="SweepException"/> naming the file for a header that differs, a bad point number or a point given twice.</summary>
    public static string Merge(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new SweepException("no shard files given");
        }

        string? header = null;
        var rows = new SortedDictionary<long, string>();
        foreach (string file in files)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new SweepException($"{file}: cannot read: {e.Message}", e);
            }

            if (lines.Length == 0)
            {
                throw new SweepException($"{file}: empty (expected a sweep CSV header)");
            }

            if (!lines[0].StartsWith(SweepTable.Columns[0] + ",", StringComparison.Ordinal))
            {
                throw new SweepException($"{file}:1: expected a sweep CSV header ({SweepTable.Columns[0]},{SweepTable.Columns[1]},...), found '{lines[0]}'");
            }

            header ??= lines[0];
            if (lines[0] != header)
            {
                throw new SweepException($"{file}:1: header differs from {files[0]}'s");
            }

            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                int comma = lines[i].IndexOf(',', StringComparison.Ordinal);
                if (comma <= 0 || !long.TryParse(lines[i].AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out long point))
                {
                    throw new SweepException($"{file}:{i + 1}: expected a point number in the first column");
                }

                if (!rows.TryAdd(point, lines[i]))
                {
                    throw new SweepException($"{file}:{i + 1}: point {point} appears twice");
                }
            }
        }

        return string.Join('\n', [header!, .. rows.Values]) + "\n";
    }
}
