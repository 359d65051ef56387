namespace VtdEmu.Cli.Tests.Commands;

/// <summary><c>run</c> and <c>compare</c> on IOMMU-level scenarios.</summary>
public sealed class IommuScenarioCommandTests : IDisposable
{
    private const string MultiDeviceAttach = "device gpu 00:02.0\ndevice audio 00:02.1\nalloc d paging gpu == 0\nattach d gpu == -EINVAL\n";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Run_IommuFile_PrintsEveryCallsReturn()
    {
        string path = _cli.Write("a.iommu", MultiDeviceAttach);

        Assert.Equal(ExitCode.Success, _cli.Run("run", path));
        Assert.Equal(["alloc d paging gpu = 0", "attach d gpu = -EINVAL"], _cli.OutLines);
    }

    [Fact]
    public void Run_PolicyAttachCount_TheSameFileFailsItsMainlineAssertion()
    {
        string path = _cli.Write("a.iommu", MultiDeviceAttach);

        Assert.Equal(ExitCode.Failed, _cli.Run("run", "--policy", "attach-count", path));
        Assert.Equal($"{path}:4: attach d gpu: expected -EINVAL, actual 0", _cli.ErrorLines[0]);
    }

    [Fact]
    public void Run_UnknownPolicy_ListsTheValidNames()
    {
        string path = _cli.Write("a.iommu", MultiDeviceAttach);

        Assert.Equal(ExitCode.BadInput, _cli.Run("run", "--policy", "attachcount", path));
        Assert.Equal(
            "vtdemu: error: --policy: expected mainline|attach-count|driver-flag, found 'attachcount' (did you mean 'attach-count'?). Run 'vtdemu run --help' for usage.",
            Assert.Single(_cli.ErrorLines));
    }

    [Fact]
    public void Run_BothLanguagesInOneDirectory_EachFileLabelled()
    {
        _cli.Write("a.iommu", MultiDeviceAttach);
        _cli.Write("b.scenario", "mmio-read32 0x1c == 0\n");

        Assert.Equal(ExitCode.Success, _cli.Run("run", _cli.Scratch));
        Assert.Equal(
            [$"# {Path.Combine(_cli.Scratch, "a.iommu")}", "alloc d paging gpu = 0", "attach d gpu = -EINVAL", $"# {Path.Combine(_cli.Scratch, "b.scenario")}", "mmio-read32 0x1c = 00000000"],
            _cli.OutLines);
    }

    [Fact]
    public void Run_BadIommuLine_FileLineColumnAndCaret()
    {
        string path = _cli.Write("a.iommu", "device gpu 00:02.0\nattach d gpu\n");

        Assert.Equal(ExitCode.BadInput, _cli.Run("run", path));
        Assert.Equal($"{path}:2:8: attach: 'd' is not defined: define the domain on an earlier line", _cli.ErrorLines[0]);
        Assert.Equal("           ^", _cli.ErrorLines[2]);
    }

    [Fact]
    public void Compare_MultiDeviceGroup_ShowsEachPolicysReturn()
    {
        string path = _cli.Write("a.iommu", MultiDeviceAttach);

        Assert.Equal(ExitCode.Success, _cli.Run("compare", path));
        Assert.Contains($"{path}:4: attach d gpu  [result, groups, hardware differ]", _cli.OutLines);
        Assert.Contains("  mainline      = -EINVAL", _cli.OutLines);
        Assert.Contains("  attach-count  = 0", _cli.OutLines);
        Assert.Contains("  driver-flag   = -EINVAL", _cli.OutLines);
        Assert.Equal("compare: 2 calls, 1 call where the policies differ (1 in the returned result)", _cli.ErrorLines[^1]);
    }

    [Fact]
    public void Compare_RegisterLevelScenario_ExplainsWhatItNeeds()
    {
        string path = _cli.Write("a.scenario", "mmio-read32 0x1c\n");

        Assert.Equal(ExitCode.BadInput, _cli.Run("compare", path));
        Assert.Contains("compare needs an IOMMU-level one", _cli.Error, StringComparison.Ordinal);
    }
}
