using System.Text.Json;
using Spectre.Console;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Translation;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Replay;

/// <summary>
/// What <c>vtdemu replay</c> found, printed as Spectre tables or as one JSON object (schema in the
/// README, "replay --format json"). Times are wall-clock and measured apart: loading (reading,
/// checking and summarising the whole trace once), reading batches during the replay, and translating.
/// </summary>
internal sealed record ReplayReport
{
    public required string Path { get; init; }

    public required TraceEncoding Encoding { get; init; }

    /// <summary>Bytes of the trace file (compressed, if it is).</summary>
    public required long FileBytes { get; init; }

    /// <summary>Bytes of trace data after decompression.</summary>
    public required long DataBytes { get; init; }

    public required TraceSummary Summary { get; init; }

    public required CacheGeometry Iotlb { get; init; }

    public required Dictionary<DmaOutcome, long> Outcomes { get; init; }

    /// <summary>The unit's counters over the replay; null when the platform is not the hardware model.</summary>
    public TranslationStatistics? Statistics { get; init; }

    public required TimeSpan Load { get; init; }

    public required TimeSpan Read { get; init; }

    public required TimeSpan Translate { get; init; }

    private double TranslateSeconds => Math.Max(Translate.TotalSeconds, 1e-9);

    /// <summary>The one-line timing note for stderr.</summary>
    public string TimingLine() =>
        $"replay: {Counts.Plural(Summary.Accesses, "DMA")}; load {Load.TotalMilliseconds:0.0} ms ({DataBytes / Math.Max(Load.TotalSeconds, 1e-9) / 1e6:0} MB/s), " +
        $"then read {Read.TotalMilliseconds:0.0} ms + translate {Translate.TotalMilliseconds:0.0} ms ({Summary.Accesses / TranslateSeconds:0} DMA/s)";

    public void WriteTables(IAnsiConsole console, bool summary, bool results)
    {
        if (summary)
        {
            console.Write(SummaryTable(Path, Encoding, Summary));
        }

        if (results)
        {
            console.Write(OutcomeTable());
            if (Statistics is { } stats)
            {
                console.Write(CacheTable(stats));
            }
        }
    }

    public void WriteJson(Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("trace");
        json.WriteString("path", Path);
        json.WriteString("format", TraceEncoding.Name(Encoding.Format));
        json.WriteString("compression", TraceEncoding.Name(Encoding.Compression));
        json.WriteNumber("file_bytes", FileBytes);
        json.WriteNumber("data_bytes", DataBytes);
        json.WriteNumber("accesses", Summary.Accesses);
        json.WriteNumber("reads", Summary.Reads);
        json.WriteNumber("bytes_read", Summary.BytesRead);
        json.WriteNumber("writes", Summary.Writes);
        json.WriteNumber("bytes_written", Summary.BytesWritten);
        json.WriteStartArray("devices");
        foreach (PciBdf device in Summary.Devices)
        {
            json.WriteStringValue(device.ToString());
        }

        json.WriteEndArray();
        json.WriteNumber("distinct_pages", Summary.DistinctPages);
        json.WriteBoolean("distinct_pages_capped", Summary.PagesCapped);
        json.WriteEndObject();

        json.WriteStartObject("iotlb");
        json.WriteNumber("entries", Iotlb.Entries);
        json.WriteNumber("ways", Iotlb.Ways);
        json.WriteString("policy", ScenarioParser.PolicyName(Iotlb.Policy));
        json.WriteEndObject();

        json.WriteStartArray("outcomes");
        foreach ((DmaOutcome outcome, long count) in Ordered())
        {
            json.WriteStartObject();
            json.WriteString("outcome", outcome.ToString());
            if (outcome.Fault == FaultReason.None)
            {
                json.WriteNull("fault_reason");
            }
            else
            {
                json.WriteString("fault_reason", outcome.Fault.ToString());
            }

            json.WriteNumber("count", count);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        if (Statistics is { } stats)
        {
            json.WriteStartObject("translation");
            json.WriteNumber("translations", stats.Translations);
            json.WriteNumber("iotlb_hits", stats.IotlbHits);
            json.WriteNumber("iotlb_misses", stats.IotlbMisses);
            json.WriteNumber("iotlb_hit_rate", stats.IotlbHitRate);
            json.WriteNumber("context_cache_hits", stats.ContextCacheHits);
            json.WriteNumber("context_cache_misses", stats.ContextCacheMisses);
            json.WriteNumber("walks", stats.Walks);
            json.WriteNumber("table_reads", stats.TableReads);
            json.WriteNumber("table_reads_per_translation", stats.ReadsPerTranslation);
            json.WriteNumber("faults", stats.Faults);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("translation");
        }

        json.WriteStartObject("timing");
        json.WriteNumber("load_seconds", Load.TotalSeconds);
        json.WriteNumber("read_seconds", Read.TotalSeconds);
        json.WriteNumber("translate_seconds", Translate.TotalSeconds);
        json.WriteNumber("dmas_per_second", Summary.Accesses / TranslateSeconds);
        json.WriteNumber("translations_per_second", (Statistics?.Translations ?? 0) / TranslateSeconds);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    // ok first, then faults by reason code, then abort and Unsupported Request.
    private IEnumerable<KeyValuePair<DmaOutcome, long>> Ordered() =>
        Outcomes.OrderBy(o => o.Key.IsAborted ? 2 : o.Key.IsUnsupportedRequest ? 3 : o.Key.IsOk ? 0 : 1).ThenBy(o => o.Key.Fault);

    /// <summary>What the trace holds: counts, devices, pages, encoding.</summary>
    public static Table SummaryTable(string path, TraceEncoding encoding, TraceSummary summary)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(System.IO.Path.GetFileName(path))) };
        table.AddColumn("Trace");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("accesses", $"{summary.Accesses}");
        table.AddRow("reads", $"{summary.Reads} ({Counts.Plural((long)summary.BytesRead, "byte")})");
        table.AddRow("writes", $"{summary.Writes} ({Counts.Plural((long)summary.BytesWritten, "byte")})");
        table.AddRow("devices", summary.Devices.Count == 0 ? "none" : string.Join(' ', summary.Devices));
        table.AddRow("distinct 4-KiB pages", summary.PagesCapped ? $"more than {summary.DistinctPages}" : $"{summary.DistinctPages}");
        table.AddRow("format", $"{TraceEncoding.Name(encoding.Format)}, {TraceEncoding.Name(encoding.Compression)}");
        return table;
    }

    private Table OutcomeTable()
    {
        var table = new Table();
        table.AddColumn("Outcome");
        table.AddColumn(new TableColumn("DMAs").RightAligned());
        foreach ((DmaOutcome outcome, long count) in Ordered())
        {
            string name = outcome.Fault == FaultReason.None ? outcome.ToString() : $"{outcome} ({outcome.Fault})";
            table.AddRow(new Text(name), new Text($"{count}"));
        }

        return table;
    }

    // The unit's counters over the replay only (definitions: spec-notes/caching.md, "Statistics").
    private Table CacheTable(TranslationStatistics stats)
    {
        var table = new Table { Title = new TableTitle($"Translation (iotlb {CacheContentsDump.Geometry(Iotlb)})") };
        table.AddColumn("Counter");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("translations", $"{stats.Translations}");
        table.AddRow("iotlb hits", $"{stats.IotlbHits}");
        table.AddRow("iotlb misses", $"{stats.IotlbMisses}");
        table.AddRow("iotlb hit rate", Counts.HitRate(stats.IotlbHits, stats.IotlbMisses));
        table.AddRow("context-cache hits", $"{stats.ContextCacheHits}");
        table.AddRow("context-cache misses", $"{stats.ContextCacheMisses}");
        table.AddRow("walks", $"{stats.Walks}");
        table.AddRow("table reads", $"{stats.TableReads}");
        table.AddRow("table reads/translation", $"{stats.ReadsPerTranslation:0.000###}");
        table.AddRow("faults", $"{stats.Faults}");
        table.AddRow("translations/s", $"{stats.Translations / TranslateSeconds:0}");
        return table;
    }
}
