using System.Text.Json;

namespace VtdEmu.Cli.Tests.Commands;

/// <summary><c>--format json</c> / <c>--json</c> on run, regs and decode: the README's schemas ("Machine-readable output").</summary>
public sealed class JsonFormatTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Run_Json_GivesEveryResultWithItsLineAndEveryFailure()
    {
        string file = _cli.Write("t.scenario", "preset qemu\nram 0 0x100000\ndevice 00:03.0\nmmio-read32 0x000 == 0x10\nmmio-read32 0x01c == 0x1\ndma-read 00:03.0 0x1000 8\n");

        Assert.Equal(ExitCode.Failed, _cli.Run("run", file, "--format", "json"));

        JsonElement root = JsonDocument.Parse(_cli.Out).RootElement;
        JsonElement scenario = Assert.Single(root.GetProperty("scenarios").EnumerateArray());
        Assert.Equal(file, scenario.GetProperty("file").GetString());
        Assert.Equal("register", scenario.GetProperty("language").GetString());
        Assert.Equal(2, scenario.GetProperty("assertions").GetInt32());
        Assert.False(scenario.GetProperty("passed").GetBoolean());
        JsonElement[] results = [.. scenario.GetProperty("results").EnumerateArray()];
        Assert.Equal([4, 5, 6], results.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal("mmio-read32 0x0", results[0].GetProperty("command").GetString());
        Assert.Equal("00000010", results[0].GetProperty("result").GetString());
        Assert.Equal("dma-read 00:03.0 0x1000", results[2].GetProperty("command").GetString());
        Assert.Equal("ok", results[2].GetProperty("result").GetString());   // TE off: untranslated
        JsonElement failure = Assert.Single(scenario.GetProperty("failures").EnumerateArray());
        Assert.Equal(5, failure.GetProperty("line").GetInt32());
        Assert.Contains("expected 00000001", failure.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, root.GetProperty("summary").GetProperty("failures").GetInt32());
    }

    [Fact]
    public void Run_Json_IommuScenario_GivesTheCallsResults()
    {
        string example = Path.Combine(CliHarness.VectorsDirectory, "..", "..", "examples", "01-dma-api-driver.iommu");

        Assert.Equal(ExitCode.Success, _cli.Run("run", example, "--json"));

        JsonElement scenario = Assert.Single(JsonDocument.Parse(_cli.Out).RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.Equal("iommu", scenario.GetProperty("language").GetString());
        Assert.True(scenario.GetProperty("passed").GetBoolean());
        Assert.NotEmpty(scenario.GetProperty("results").EnumerateArray());
        Assert.All(scenario.GetProperty("results").EnumerateArray(), r => Assert.True(r.GetProperty("line").GetInt32() > 0));
    }

    [Fact]
    public void Regs_Json_GivesEveryRegisterTheDecodedCapAndTheWorkbenchCalibration()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("regs", "--preset", "broadwell", "--json"));

        JsonElement root = JsonDocument.Parse(_cli.Out).RootElement;
        Assert.Equal("broadwell", root.GetProperty("preset").GetString());
        JsonElement gsts = root.GetProperty("registers").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "GSTS");
        Assert.Equal("0x1c", gsts.GetProperty("offset").GetString());
        Assert.Equal(32, gsts.GetProperty("width").GetInt32());
        JsonElement sagaw = root.GetProperty("cap").GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "SAGAW");
        Assert.Equal(12, sagaw.GetProperty("msb").GetInt32());
        Assert.Equal(8, sagaw.GetProperty("lsb").GetInt32());
        Assert.True(root.GetProperty("workbench").GetProperty("calibrated").GetBoolean());
        Assert.Equal(64, root.GetProperty("workbench").GetProperty("iotlb").GetProperty("entries").GetInt32());
    }

    [Fact]
    public void Regs_UncalibratedPreset_SaysSoInTextAndJson()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("regs", "--preset", "qemu"));
        Assert.Contains("timing UNCALIBRATED", _cli.Out, StringComparison.Ordinal);

        using var json = new CliHarness();
        Assert.Equal(ExitCode.Success, json.Run("regs", "--preset", "qemu", "--format", "json"));
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("workbench").GetProperty("calibrated").GetBoolean());
    }

    [Fact]
    public void Decode_Json_GivesFieldsWithBitRanges()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "context", "0x12001", "0x4201", "--json"));

        JsonElement root = JsonDocument.Parse(_cli.Out).RootElement;
        Assert.Equal("context", root.GetProperty("kind").GetString());
        JsonElement entry = Assert.Single(root.GetProperty("values").EnumerateArray());
        Assert.Equal("0x42010000000000012001", entry.GetProperty("value").GetString());
        JsonElement did = entry.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "DID");
        Assert.Equal(87, did.GetProperty("msb").GetInt32());
        Assert.Equal(72, did.GetProperty("lsb").GetInt32());
        Assert.Equal("0x42", did.GetProperty("value").GetString());
    }

    [Fact]
    public void Decode_Json_OneObjectPerValue()
    {
        Assert.Equal(ExitCode.Success, _cli.Run("decode", "slpte", "0x3", "0x80003", "--format", "json"));

        Assert.Equal(["0x3", "0x80003"], JsonDocument.Parse(_cli.Out).RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()));
    }

    [Fact]
    public void Format_UnknownName_IsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("regs", "--format", "xml"));
    }
}
