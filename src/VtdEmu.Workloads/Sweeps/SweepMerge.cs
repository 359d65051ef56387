using System.Globalization;
using System.Text;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>
/// Joins the CSV files of a sharded sweep into one table ordered by the <c>point</c> column, as one unsharded run
/// writes it. Streaming: every shard lists its points in increasing order (as <c>sweep --shard</c> writes them), so
/// the files are merged row by row and memory does not grow with their size. The files are read twice — once to
/// check everything, once to write — so nothing is written unless the whole merge is valid.
/// </summary>
public static class SweepMerge
{
    /// <summary>The longest line accepted; a sweep row is a few hundred characters.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>The merged CSV text (<see cref="Merge(IReadOnlyList{string}, TextWriter)"/> into a string).</summary>
    public static string Merge(IReadOnlyList<string> files)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Merge(files, text);
        return text.ToString();
    }

    /// <summary>
    /// Writes the merged CSV to <paramref name="output"/>; throws <see cref="SweepException"/> naming the file and line
    /// for a header that differs, a bad point number, points out of order within a file, a point given twice or a line
    /// longer than <see cref="MaxLineLength"/> — before anything is written.
    /// </summary>
    public static void Merge(IReadOnlyList<string> files, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(output);
        if (files.Count == 0)
        {
            throw new SweepException("no shard files given");
        }

        Pass(files, null);
        Pass(files, output);
    }

    // One k-way merge over the shards, writing to output when it is not null.
    private static void Pass(IReadOnlyList<string> files, TextWriter? output)
    {
        var shards = new Shard[files.Count];
        try
        {
            string? header = null;
            for (int i = 0; i < files.Count; i++)
            {
                shards[i] = Shard.Open(files[i]);
                header ??= shards[i].Header;
                if (shards[i].Header != header)
                {
                    throw new SweepException($"{files[i]}:1: header differs from {files[0]}'s");
                }
            }

            output?.Write(header);
            output?.Write('\n');
            long last = -1;
            while (true)
            {
                Shard? next = null;
                foreach (Shard shard in shards)
                {
                    if (shard.HasRow && (next is null || shard.Point < next.Point))
                    {
                        next = shard;
                    }
                }

                if (next is null)
                {
                    return;
                }

                if (next.Point == last)
                {
                    throw new SweepException($"{next.File}:{next.LineNumber}: point {next.Point} appears twice");
                }

                last = next.Point;
                output?.Write(next.Row);
                output?.Write('\n');
                next.Advance();
            }
        }
        finally
        {
            foreach (Shard? shard in shards)
            {
                shard?.Dispose();
            }
        }
    }

    private sealed class Shard : IDisposable
    {
        private readonly StreamReader _reader;
        private readonly StringBuilder _line = new();

        private Shard(string file, StreamReader reader)
        {
            File = file;
            _reader = reader;
        }

        public string File { get; }

        public string Header { get; private set; } = "";

        public bool HasRow { get; private set; }

        public long Point { get; private set; } = -1;

        public string Row { get; private set; } = "";

        public int LineNumber { get; private set; }

        public static Shard Open(string file)
        {
            StreamReader reader;
            try
            {
                reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new SweepException($"{file}: cannot read: {e.Message}", e);
            }

            var shard = new Shard(file, reader);
            try
            {
                string? header = shard.ReadLine();
                if (header is null || header.Length == 0)
                {
                    throw new SweepException($"{file}: empty (expected a sweep CSV header)");
                }

                if (!header.StartsWith(SweepTable.Columns[0] + ",", StringComparison.Ordinal))
                {
                    string shown = header.Length > 80 ? header[..80] + "..." : header;
                    throw new SweepException($"{file}:1: expected a sweep CSV header ({SweepTable.Columns[0]},{SweepTable.Columns[1]},...), found '{shown}'");
                }

                shard.Header = header;
                shard.Advance();
                return shard;
            }
            catch
            {
                shard.Dispose();
                throw;
            }
        }

        // The next non-empty row, its point number checked to be above the previous row's.
        public void Advance()
        {
            long previous = Point;
            string? line;
            do
            {
                line = ReadLine();
            }
            while (line is { Length: 0 });

            HasRow = line is not null;
            if (line is null)
            {
                return;
            }

            int comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || !long.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out long point))
            {
                throw new SweepException($"{File}:{LineNumber}: expected a point number in the first column");
            }

            if (point == previous)
            {
                throw new SweepException($"{File}:{LineNumber}: point {point} appears twice");
            }

            if (point < previous)
            {
                throw new SweepException($"{File}:{LineNumber}: point {point} after point {previous} (a shard lists its points in increasing order)");
            }

            (Point, Row) = (point, line);
        }

        public void Dispose() => _reader.Dispose();

        // One line without its terminator (\n or \r\n), at most MaxLineLength characters; null at the end.
        private string? ReadLine()
        {
            _line.Clear();
            int c;
            try
            {
                while ((c = _reader.Read()) >= 0 && c != '\n')
                {
                    if (_line.Length == MaxLineLength)
                    {
                        throw new SweepException($"{File}:{LineNumber + 1}: line longer than {MaxLineLength} characters (not a sweep CSV)");
                    }

                    _line.Append((char)c);
                }
            }
            catch (IOException e)
            {
                throw new SweepException($"{File}: cannot read: {e.Message}", e);
            }

            if (c < 0 && _line.Length == 0)
            {
                return null;
            }

            LineNumber++;
            if (_line.Length > 0 && _line[^1] == '\r')
            {
                _line.Length--;
            }

            return _line.ToString();
        }
    }
}
