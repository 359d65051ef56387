using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

// Binary and compressed traces, corrupt input, the geometry limit and --format json.
public sealed partial class ReplayCommandTests
{
    private static string ResultTables(string output) => output[output.IndexOf("┌─────────┬", StringComparison.Ordinal)..]
        .Split('\n').Where(l => !l.Contains("translations/s", StringComparison.Ordinal)).Aggregate((a, b) => $"{a}\n{b}");

    [Theory]
    [InlineData("sweep.vtdt")]
    [InlineData("sweep.vtdt.zst")]
    [InlineData("sweep.vtdt.gz")]
    [InlineData("sweep.trace.zst")]
    public void Replay_BinaryOrCompressedTrace_SameResultsAsText(string name)
    {
        string setup = WriteSweepSetup(16);
        string text = WriteSweepTrace(16, 3);
        string other = Path.Combine(_cli.Scratch, name);
        Assert.Equal(ExitCode.Success, _cli.Run("trace", "convert", text, other));
        Assert.Equal(ExitCode.Success, _cli.Run("replay", text, "--setup", setup, "--iotlb-entries", "8", "--iotlb-ways", "1"));
        string expected = ResultTables(_cli.Out);
        int before = _cli.Out.Length;

        Assert.Equal(ExitCode.Success, _cli.Run("replay", other, "--setup", setup, "--iotlb-entries", "8", "--iotlb-ways", "1"));

        Assert.Equal(expected, ResultTables(_cli.Out[before..]));
    }

    [Fact]
    public void Replay_TruncatedBinaryTrace_ErrorWithTheByteAndNoResult()
    {
        string trace = Path.Combine(_cli.Scratch, "t.vtdt");
        Assert.Equal(ExitCode.Success, _cli.Run("trace-gen", "--count", "10", "-o", trace));
        byte[] bytes = File.ReadAllBytes(trace);
        File.WriteAllBytes(trace, bytes[..100]);
        int errors = _cli.ErrorLines.Length;

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", trace));

        Assert.Equal([$"vtdemu: error: {trace}: truncated: the record at byte 96 has 4 of its 16 bytes. Nothing was replayed. Fix the trace at that point, or record or generate it again."], _cli.ErrorLines[errors..]);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Replay_TruncatedGzipTrace_IsTruncationNotABadLineAndNoResult()
    {
        string text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"00:03.0 0x{i * 0x40:x} 64 R\n"));
        string path = WriteGzip("t.trace.gz", text);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path));

        string error = Assert.Single(_cli.ErrorLines);
        Assert.StartsWith($"vtdemu: error: {path}: truncated gzip stream: the file ends at byte {bytes.Length - 5} ", error, StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Replay_CorruptGzipCrc_IsAnErrorAndNoResult()
    {
        string path = WriteGzip("t.trace.gz", Trace);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^8] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path));

        Assert.StartsWith($"vtdemu: error: {path}: corrupt gzip data", Assert.Single(_cli.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Out);
    }

    [Theory]
    [InlineData("1073741824", "4", "entries=1073741824 is outside 0 to 1048576")]
    [InlineData("2097152", "1", "entries=2097152 is outside 0 to 1048576")]
    public void Replay_IotlbEntriesAboveTheLimit_RefusedWithTheLimit(string entries, string ways, string problem)
    {
        string path = _cli.Write("t.trace", Trace);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path, "--iotlb-entries", entries, "--iotlb-ways", ways));

        Assert.Equal([$"vtdemu: error: replay: IOTLB geometry: {problem}. Change --iotlb-entries or --iotlb-ways (or the setup's iotlb line)."], _cli.ErrorLines);
        Assert.Empty(_cli.Out);
    }

    [Fact]
    public void Replay_FormatJson_OneObjectWithTheDocumentedFields()
    {
        const int Pages = 16, Rounds = 4;
        string setup = WriteSweepSetup(Pages);
        string trace = WriteSweepTrace(Pages, Rounds);
        int errors = _cli.ErrorLines.Length;

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup, "--format", "json"));

        using JsonDocument json = JsonDocument.Parse(_cli.Out);
        JsonElement root = json.RootElement;
        Assert.Equal(["trace", "iotlb", "outcomes", "translation", "timing"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("text", root.GetProperty("trace").GetProperty("format").GetString());
        Assert.Equal(Pages * Rounds, root.GetProperty("trace").GetProperty("accesses").GetInt64());
        Assert.Equal(["00:03.0"], root.GetProperty("trace").GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(Pages, root.GetProperty("trace").GetProperty("distinct_pages").GetInt32());
        Assert.Equal(512, root.GetProperty("iotlb").GetProperty("entries").GetInt32());
        JsonElement ok = Assert.Single(root.GetProperty("outcomes").EnumerateArray());
        Assert.Equal("ok", ok.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("fault_reason").ValueKind);
        Assert.Equal(Pages * Rounds, ok.GetProperty("count").GetInt64());
        JsonElement translation = root.GetProperty("translation");
        Assert.Equal(Pages, translation.GetProperty("iotlb_misses").GetInt64());
        Assert.Equal((Pages * Rounds) - Pages, translation.GetProperty("iotlb_hits").GetInt64());
        Assert.Equal(0.75, translation.GetProperty("iotlb_hit_rate").GetDouble());
        Assert.Equal(2 + 3 + (Pages - 1), translation.GetProperty("table_reads").GetInt64());
        Assert.True(root.GetProperty("timing").GetProperty("translate_seconds").GetDouble() >= 0);

        // The setup scenario's result lines and the timing note go to stderr, not into the JSON.
        Assert.Contains(_cli.ErrorLines[errors..], l => l.StartsWith("replay: 64 DMAs; load", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_FormatJson_FaultsCarryTheirReasonName()
    {
        string trace = _cli.Write("t.trace", "00:03.0 0x1000 8 R\n00:03.0 0x2000 8 W\n");
        string setup = Path.Combine(CliHarness.VectorsDirectory, "translation", "legacy-39bit-4k.scenario");

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace, "--setup", setup, "--format", "json"));

        using JsonDocument json = JsonDocument.Parse(_cli.Out);
        Assert.Equal(
            ["ok:-:1", "fault 05:WriteDenied:1"],
            json.RootElement.GetProperty("outcomes").EnumerateArray().Select(o => $"{o.GetProperty("outcome").GetString()}:{o.GetProperty("fault_reason").GetString() ?? "-"}:{o.GetProperty("count").GetInt64()}"));
    }

    [Fact]
    public void Replay_FormatUnknown_ExitsBadInput()
    {
        string path = _cli.Write("t.trace", Trace);

        Assert.Equal(ExitCode.BadInput, _cli.Run("replay", path, "--format", "yaml"));
    }

    [Fact]
    public void Replay_BinaryTrace_SummarySaysItsFormat()
    {
        string trace = Path.Combine(_cli.Scratch, "t.vtdt.zst");
        Assert.Equal(ExitCode.Success, _cli.Run("trace-gen", "--count", "5", "-o", trace));

        Assert.Equal(ExitCode.Success, _cli.Run("replay", trace));

        Assert.Matches(new Regex(@"│ format\s+│\s+binary, zstd │"), _cli.Out);
        Assert.Matches(new Regex(@"│ ok\s+│\s+5 │"), _cli.Out);
    }
}
