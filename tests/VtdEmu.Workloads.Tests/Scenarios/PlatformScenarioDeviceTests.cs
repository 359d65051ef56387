using System.Buffers.Binary;
using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>
/// The device-side scenario features on the real platform: platform-dmar (good and hostile tables),
/// unit selection, ATS/PRI devices and IEC geometry from the directives, and the IEC staleness rule
/// seen through msi (VT-d spec §6.5.2.7).
/// </summary>
public sealed class PlatformScenarioDeviceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vtdemu-scen-").FullName;
    private readonly PlatformScenarioTargetFactory _factory = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Scenario => Path.Combine(_directory, "s.scenario");

    private ScenarioParseResult ParseWithTable(string text, byte[] table)
    {
        System.IO.File.WriteAllBytes(Path.Combine(_directory, "t.bin"), table);
        return ScenarioParser.Parse(Scenario, text);
    }

    // Header (48 bytes) and DRHDs as VT-d spec ch. 8 lays them out; length and checksum fixed up.
    private static byte[] Dmar(params (ulong Base, bool All, ushort Segment, byte[] Scope)[] units)
    {
        var bytes = new List<byte>();
        bytes.AddRange("DMAR"u8.ToArray());
        bytes.AddRange(new byte[4]);
        bytes.AddRange([1, 0]);
        bytes.AddRange("VTDEMUSCENARIO"u8.ToArray());
        bytes.AddRange(new byte[12]);
        bytes.AddRange([38, 1]);
        bytes.AddRange(new byte[10]);
        foreach ((ulong registerBase, bool all, ushort segment, byte[] scope) in units)
        {
            byte[] drhd = new byte[16 + scope.Length];
            BinaryPrimitives.WriteUInt16LittleEndian(drhd.AsSpan(2), (ushort)drhd.Length);
            drhd[4] = (byte)(all ? 1 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(drhd.AsSpan(6), segment);
            BinaryPrimitives.WriteUInt64LittleEndian(drhd.AsSpan(8), registerBase);
            scope.CopyTo(drhd, 16);
            bytes.AddRange(drhd);
        }

        byte[] table = [.. bytes];
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)table.Length);
        table[9] = (byte)(0x100 - table.Aggregate(0, (sum, b) => (sum + b) & 0xFF));
        return table;
    }

    private static byte[] Endpoint(byte device) => [1, 8, 0, 0, 0, 0, device, 0];

    private static byte[] TwoUnits => Dmar((0xFED9_0000, false, 0, Endpoint(2)), (0xFED9_1000, true, 0, []));

    [Fact]
    public void PlatformDmar_TwoDrhds_OneUnitEachAtItsBase_DevicesRouteByScope()
    {
        ScenarioParseResult parsed = ParseWithTable("preset qemu\nplatform-dmar t.bin\niotlb entries=8\n", TwoUnits);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        Assert.Equal(2, parsed.Scenario.Setup.UnitCount);

        Assert.True(_factory.TryCreate(parsed.Scenario.Setup, out IScenarioTarget? target, out ScenarioError? error), error?.ToString());

        VtdEmu.Platform platform = ((PlatformScenarioTarget)target).Platform;
        Assert.Equal([0xFED9_0000UL, 0xFED9_1000UL], platform.UnitDefinitions.Select(u => u.RegisterBase));
        Assert.Equal(0, platform.UnitIndexFor(new PciBdf(0, 2, 0).SourceId));
        Assert.Equal(1, platform.UnitIndexFor(new PciBdf(0, 0x1F, 2).SourceId));
        Assert.All(platform.Units, u => Assert.Equal(8, u.Caches.Options.Iotlb.Entries));
    }

    [Fact]
    public void Unit_SelectsWhichRegisterBlockMmioCommandsReach()
    {
        ScenarioParseResult parsed = ParseWithTable(
            "platform-dmar t.bin\nunit 1\nmmio-write32 FEDATA 0x41\nunit 0\nmmio-read32 FEDATA == 0\nunit 1\nmmio-read32 FEDATA == 0x41\n", TwoUnits);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario, _factory, TextWriter.Null);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
    }

    [Fact]
    public void Unit_BeyondTheTable_IsAParseErrorNamingTheFile()
    {
        ScenarioParseResult parsed = ParseWithTable("platform-dmar t.bin\nunit 2\n", TwoUnits);

        Assert.Equal($"{Scenario}:2: unit N: 2 is not a unit: t.bin describes 2 units (0 to 1)", Assert.Single(parsed.Errors).ToString());
    }

    [Fact]
    public void PlatformDmar_Segment1_RefusedAtTheDirectiveLine()
    {
        ScenarioParseResult parsed = ParseWithTable("# two\n\nplatform-dmar t.bin\n", Dmar((0xFED9_0000, true, 1, [])));
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));

        Assert.False(_factory.TryCreate(parsed.Scenario.Setup, out _, out ScenarioError? error));

        Assert.Equal($"{Scenario}:3: platform-dmar: t.bin: DRHD at 0x30: PCI segment 1 (only segment 0 is modelled)", error.ToString());
    }

    [Fact]
    public void PlatformDmar_TruncatedTable_ErrorAtTheLineWithTheByteOffset()
    {
        byte[] table = TwoUnits;
        BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(48 + 2), 200); // first DRHD claims 200 bytes
        table[9] = 0;
        table[9] = (byte)(0x100 - table.Aggregate(0, (sum, b) => (sum + b) & 0xFF));

        ScenarioParseResult parsed = ParseWithTable("preset qemu\nplatform-dmar t.bin\n", table);

        ScenarioError error = Assert.Single(parsed.Errors);
        Assert.StartsWith($"{Scenario}:2: platform-dmar: t.bin: offset 0x32: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PlatformDmar_RandomBytes_AParseErrorOrATable_NeverAnException()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            ScenarioParseResult parsed = ParseWithTable("platform-dmar t.bin\n", bytes);
            Assert.True(parsed.Succeeded || parsed.Errors.Single().Location.Line == 1);
        }, iter: 200);
    }

    [Fact]
    public void PlatformDmar_GivenTwice_SecondIsAnError()
    {
        ScenarioParseResult parsed = ParseWithTable("platform-dmar t.bin\nplatform-dmar t.bin\n", TwoUnits);

        Assert.Equal($"{Scenario}:2: platform-dmar: given twice (first at {Scenario}:1)", Assert.Single(parsed.Errors).ToString());
    }

    [Fact]
    public void Devices_AtsAndPri_EnabledWithTheirGeometry_IecGeometryOnEveryUnit()
    {
        ScenarioParseResult parsed = ParseWithTable("platform-dmar t.bin\ndevice 00:02.0 ats dtlb-entries=4 pri\ndevice 00:1f.2\niec entries=8 ways=2\n", TwoUnits);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));

        Assert.True(_factory.TryCreate(parsed.Scenario.Setup, out IScenarioTarget? target, out _));

        VtdEmu.Platform platform = ((PlatformScenarioTarget)target).Platform;
        Assert.True(platform.TryGetDevice(new PciBdf(0, 2, 0).SourceId, out PciEndpoint ats));
        Assert.Equal(CacheGeometry.FullyAssociative(4), ats.DeviceTlb!.Geometry);
        Assert.True(ats.PageRequestsEnabled);
        Assert.True(platform.TryGetDevice(new PciBdf(0, 0x1F, 2).SourceId, out PciEndpoint plain));
        Assert.Null(plain.DeviceTlb);
        Assert.All(platform.Units, u => Assert.Equal(new CacheGeometry(8, 2), u.InterruptEntryCache.Geometry));
    }

    [Theory]
    [InlineData("iec entries=16 ways=16", "vector=0x30")] // the IEC keeps the old IRTE until invalidated
    [InlineData("iec entries=0", "vector=0x41")]          // without an IEC every request reads the table
    public void Msi_IrteEditedWithoutIecInvalidation_SeenOnlyWithoutAnIec(string iec, string afterEdit)
    {
        string text = $"""
            preset broadwell
            ram 0 0x100000
            device 00:03.0
            {iec}
            mmio-write64 IQA 0x20000
            mmio-write32 GCMD 0x04000000
            mem-write64 0x30050 0x0000_0100_0030_0001
            mmio-write64 IRTA 0x30003
            mmio-write32 GCMD 0x05000000
            mmio-write32 GCMD 0x06000000
            msi 00:03.0 0xfee000b0 0 == delivered vector=0x30 irte=5
            mem-write64 0x30050 0x0000_0100_0041_0001
            msi 00:03.0 0xfee000b0 0 == delivered {afterEdit}
            mem-write64 0x20000 0x4
            mmio-write64 IQT 0x10
            msi 00:03.0 0xfee000b0 0 == delivered vector=0x41
            """;
        ScenarioParseResult parsed = ScenarioParser.Parse(Scenario, text);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));

        ScenarioRunResult result = ScenarioRunner.Run(parsed.Scenario, _factory, TextWriter.Null);

        Assert.True(result.Passed, string.Join('\n', result.Failures));
    }
}
