using System.Text;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Cli.Plotting;

/// <summary>
/// A CSV file as <c>vtdemu plot</c> reads it: a header line of column names, then rows of cells
/// (RFC 4180 quoting: a cell in double quotes may hold commas and doubled quotes). Every row keeps
/// its line number so an error can name it. Bounded: at most <see cref="MaxRows"/> rows of at most
/// <see cref="MaxLineLength"/> characters.
/// </summary>
internal sealed class CsvTable
{
    /// <summary>Rows a table may hold (a sweep of a million points is far beyond any plot).</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>Characters a line may hold.</summary>
    public const int MaxLineLength = 64 * 1024;

    private CsvTable(string name, IReadOnlyList<string> columns, IReadOnlyList<CsvRow> rows)
    {
        Name = name;
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The file name, for messages.</summary>
    public string Name { get; }

    /// <summary>The header's column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The data rows, in file order.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>A table built in memory (the rows a sweep just produced); line numbers count from 2 as in a file with a header.</summary>
    public static CsvTable FromRows(string name, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        new(name, columns, [.. rows.Select((cells, i) => new CsvRow(i + 2, cells))]);

    /// <summary>Reads <paramref name="path"/>; on failure returns null and a one-line <paramref name="error"/>.</summary>
    public static CsvTable? TryRead(string path, out string? error)
    {
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            return TryParse(path, reader, out error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = $"{path}: cannot read the file: {e.Message}";
            return null;
        }
    }

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="name"/> prefixes every error.</summary>
    public static CsvTable? TryParse(string name, TextReader reader, out string? error)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<CsvRow>();
        IReadOnlyList<string>? columns = null;
        int lineNumber = 0;
        while (ReadLine(reader, ref lineNumber, out string? line, out error) && line is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (!TrySplit(line, out List<string>? cells))
            {
                error = $"{name}:{lineNumber}: unterminated quoted cell";
                return null;
            }

            if (columns is null)
            {
                columns = cells;
                continue;
            }

            if (cells.Count != columns.Count)
            {
                error = $"{name}:{lineNumber}: {Counts.Plural(cells.Count, "cell")}, the header has {columns.Count}";
                return null;
            }

            if (rows.Count == MaxRows)
            {
                error = $"{name}:{lineNumber}: more than {MaxRows} rows";
                return null;
            }

            rows.Add(new CsvRow(lineNumber, cells));
        }

        if (error is not null)
        {
            error = $"{name}:{lineNumber}: {error}";
            return null;
        }

        if (columns is null)
        {
            error = $"{name}: empty file (expected a header line of column names)";
            return null;
        }

        return new CsvTable(name, columns, rows);
    }

    /// <summary>The index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // One line, bounded in length so a file without newlines cannot take all memory.
    private static bool ReadLine(TextReader reader, ref int lineNumber, out string? line, out string? error)
    {
        error = null;
        var text = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0 && c != '\n')
        {
            if (text.Length == MaxLineLength)
            {
                lineNumber++;
                line = null;
                error = $"line longer than {MaxLineLength} characters";
                return false;
            }

            text.Append((char)c);
        }

        if (c < 0 && text.Length == 0)
        {
            line = null;
            return false;
        }

        lineNumber++;
        line = text.ToString().TrimEnd('\r');
        return true;
    }

    private static bool TrySplit(string line, out List<string> cells)
    {
        cells = [];
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    cell.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return !quoted;
    }
}

/// <summary>One data row of a <see cref="CsvTable"/>.</summary>
/// <param name="Line">Its 1-based line number in the file.</param>
/// <param name="Cells">Its cells, one per column.</param>
internal sealed record CsvRow(int Line, IReadOnlyList<string> Cells);
