using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed partial class ScenarioParserTests
{
    private const string File = "t.scenario";

    private static Scenario ParseOk(string text)
    {
        ScenarioParseResult result = ScenarioParser.Parse(File, text);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        return result.Scenario;
    }

    private static ScenarioCommand Single(string line) => Assert.Single(ParseOk("device 00:03.0\n" + line).Commands);

    [Fact]
    public void Parse_NoDirectives_DefaultsToQemuPresetAndOneGibOfRamAtZero()
    {
        Scenario scenario = ParseOk("mmio-read32 0x0\n");

        Assert.Equal("qemu", scenario.Setup.Preset);
        Assert.Null(scenario.Setup.PresetLocation);
        Assert.Null(scenario.Setup.Cap);
        Assert.Null(scenario.Setup.Ecap);
        Assert.Equal([new MemoryRange(0, 0x4000_0000)], scenario.Setup.Ram.ToArray());
        Assert.True(scenario.Setup.Devices.IsEmpty);
        Assert.Equal(new TranslationCacheOptions(), scenario.Setup.Caches);
        Assert.Equal(File, scenario.Setup.File);
    }

    [Fact]
    public void Parse_EveryDirective_SetsTheSetupAndRemembersItsLine()
    {
        Scenario scenario = ParseOk("""
            # header comment
            preset tiny-1
            cap 0x00d2008c22260206
            ecap 15732554
            ram 0x1_0000_0000 0x10_0000
            ram 0 0x20_0000
            device 00:03.0
            device 1a:1f.7
            iotlb entries=64 ways=4 policy=lru
            context-cache entries=16 policy=plru
            pasid-cache entries=8 ways=8
            psc entries=0
            iotlb-large entries=16 ways=2 policy=random
            """);
        ScenarioSetup setup = scenario.Setup;

        Assert.Equal("tiny-1", setup.Preset);
        Assert.Equal(new SourceLocation(File, 2), setup.PresetLocation);
        Assert.Equal(0x00D2_008C_2226_0206UL, setup.Cap);
        Assert.Equal(new SourceLocation(File, 3), setup.CapLocation);
        Assert.Equal(0x00F0_0F4AUL, setup.Ecap);
        Assert.Equal(new SourceLocation(File, 4), setup.EcapLocation);
        Assert.Equal([new MemoryRange(0, 0x20_0000), new MemoryRange(0x1_0000_0000, 0x10_0000)], setup.Ram.ToArray());
        Assert.Equal([new PciBdf(0, 3, 0), new PciBdf(0x1A, 0x1F, 7)], setup.Devices.ToArray());
        Assert.Equal(new CacheGeometry(64, 4, ReplacementPolicy.Lru), setup.Caches.Iotlb);
        Assert.Equal(new CacheGeometry(16, new TranslationCacheOptions().ContextCache.Ways, ReplacementPolicy.TreePlru), setup.Caches.ContextCache);
        Assert.Equal(new CacheGeometry(8, 8), setup.Caches.PasidCache);
        Assert.Equal(CacheGeometry.Disabled, setup.Caches.PagingStructureCache);
        Assert.Equal(new CacheGeometry(16, 2, ReplacementPolicy.Random), setup.Caches.IotlbLargePages);
        Assert.Empty(scenario.Commands);
    }

    public static TheoryData<string, ScenarioCommandKind, ulong, ulong, ulong> Commands => new()
    {
        { "mmio-read32 0x1C", ScenarioCommandKind.MmioRead32, 0x1C, 0, 0 },
        { "mmio-read64 8", ScenarioCommandKind.MmioRead64, 0x8, 0, 0 },
        { "mmio-write32 0x18 0x8000_0000", ScenarioCommandKind.MmioWrite32, 0x18, 0x8000_0000, 0 },
        { "mmio-write64 0x20 0x0000_0000_0010_0000", ScenarioCommandKind.MmioWrite64, 0x20, 0x10_0000, 0 },
        { "mem-read32 0x1000", ScenarioCommandKind.MemRead32, 0x1000, 0, 0 },
        { "mem-read64 4096", ScenarioCommandKind.MemRead64, 0x1000, 0, 0 },
        { "mem-read 0x2000 16", ScenarioCommandKind.MemRead, 0x2000, 0, 16 },
        { "mem-write32 0x1000 0xFFFFFFFF", ScenarioCommandKind.MemWrite32, 0x1000, 0xFFFF_FFFF, 0 },
        { "mem-write64 0x1008 0xFFFFFFFFFFFFFFFF", ScenarioCommandKind.MemWrite64, 0x1008, ulong.MaxValue, 0 },
        { "mem-fill 0x3000 0x1000 0xaa", ScenarioCommandKind.MemFill, 0x3000, 0xAA, 0x1000 },
        { "dma-read 00:03.0 0x1000 64", ScenarioCommandKind.DmaRead, 0x1000, 0, 64 },
        { "dma-read 00:03.0 0x1000 0", ScenarioCommandKind.DmaRead, 0x1000, 0, 0 },
        { "dma-write 00:03.0 0x2000 8 255", ScenarioCommandKind.DmaWrite, 0x2000, 0xFF, 8 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Parse_Command_GivesKindAndOperands(string line, ScenarioCommandKind kind, ulong address, ulong value, ulong length)
    {
        ScenarioCommand command = Single(line);

        Assert.Equal(kind, command.Kind);
        Assert.Equal(address, command.Address);
        Assert.Equal(value, command.Value);
        Assert.Equal(length, command.Length);
        Assert.Equal(new SourceLocation(File, 2), command.Location);
        Assert.Equal(line.Split(' ')[0], command.Name);
        Assert.Null(command.Expectation);
    }

    [Theory]
    [InlineData("mmio-read32 GSTS", 0x1CUL)]
    [InlineData("mmio-read64 CAP", 0x08UL)]
    [InlineData("mmio-read32 CAP+4", 0x0CUL)]
    [InlineData("mmio-write64 RTADDR 0x10000", 0x20UL)]
    [InlineData("mmio-write32 GCMD 0x40000000", 0x18UL)]
    [InlineData("mmio-read32 0x1c", 0x1CUL)]
    public void Parse_MmioOffset_RegisterNameOrNumber(string line, ulong offset)
    {
        Assert.Equal(offset, Single(line).Address);
    }

    [Theory]
    [InlineData("fault ReadDenied", FaultReason.ReadDenied)]
    [InlineData("fault 06", FaultReason.ReadDenied)]
    [InlineData("fault RootEntryNotPresent", FaultReason.RootEntryNotPresent)]
    [InlineData("fault 0x3a", FaultReason.ScalableRootEntryReserved)]
    public void Parse_FaultAssertion_ReasonNameOrCode(string expectation, FaultReason reason)
    {
        Assert.Equal(new DmaOutcome(reason), Single($"dma-read 00:03.0 0x0 4 == {expectation}").Expectation!.Outcome);
    }

    [Theory]
    [InlineData("dma-read 00:03.0 0x1000 8", null, false, false)]
    [InlineData("dma-read 00:03.0 0x1000 8 pasid=5", 5u, false, false)]
    [InlineData("dma-read 00:03.0 0x1000 8 pasid=0xFFFFF priv exec", 0xFFFFFu, true, true)]
    [InlineData("dma-write 00:03.0 0x1000 8 0x5c exec pasid=1 == ok", 1u, false, true)]
    [InlineData("dma-write 00:03.0 0x1000 8 0x5c priv pasid=0", 0u, true, false)]
    public void Parse_DmaPasidOptions_KeptOnTheCommand(string line, uint? pasid, bool privileged, bool execute)
    {
        ScenarioCommand command = Single(line);

        Assert.Equal((pasid, privileged, execute), (command.Pasid, command.Privileged, command.Execute));
        Assert.Equal(0x1000UL, command.Address);
        Assert.Equal(8UL, command.Length);
    }

    [Fact]
    public void Parse_DmaCommand_KeepsTheDevice()
    {
        Assert.Equal(new PciBdf(0, 3, 0), Single("dma-read 00:03.0 0x0 4").Device);
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndCrLf_AreIgnored()
    {
        Scenario scenario = ParseOk("# comment\r\n\r\n   \t\r\nmmio-read32 0x0   # trailing comment\r\n#mmio-read32 0x4\r\n");

        ScenarioCommand command = Assert.Single(scenario.Commands);
        Assert.Equal(new SourceLocation(File, 4), command.Location);
    }

    [Fact]
    public void Parse_NumberForms_AllAgree()
    {
        Gen.ULong.Sample(value =>
        {
            foreach (string text in new[] { $"0x{value:x}", $"0X{value:X}", value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"0x{value:x16}" })
            {
                Assert.True(ScenarioNumber.TryParse(text, out ulong parsed), text);
                Assert.Equal(value, parsed);
            }
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("0x_1")]
    [InlineData("1_")]
    [InlineData("_1")]
    [InlineData("1f")]
    [InlineData("0x1g")]
    [InlineData("18446744073709551616")]
    [InlineData("0x1_0000_0000_0000_0000")]
    public void TryParse_NotANumber_ReturnsFalse(string text)
    {
        Assert.False(ScenarioNumber.TryParse(text, out _));
    }

    [Fact]
    public void Parse_ValueAssertion_KeepsValueWithFullMask()
    {
        ScenarioExpectation expectation = Single("mmio-read32 0x1c == 0xc0000000").Expectation!;

        Assert.Equal(0xC000_0000UL, expectation.Value);
        Assert.False(expectation.IsMasked);
    }

    [Fact]
    public void Parse_MaskedAssertion_KeepsMaskAndValue()
    {
        ScenarioExpectation expectation = Single("mmio-read64 0x8 & 0x1f00 == 0x0200").Expectation!;

        Assert.Equal(0x1F00UL, expectation.Mask);
        Assert.Equal(0x0200UL, expectation.Value);
        Assert.True(expectation.IsMasked);
    }

    [Fact]
    public void Parse_MemReadAssertion_KeepsBytesInAddressOrder()
    {
        ScenarioExpectation expectation = Single("mem-read 0x1000 4 == 0x0102_0aff").Expectation!;

        Assert.Equal(new byte[] { 0x01, 0x02, 0x0A, 0xFF }, expectation.Bytes.ToArray());
    }

    [Theory]
    [InlineData("dma-read 00:03.0 0x1000 4 == ok", FaultReason.None)]
    [InlineData("dma-write 00:03.0 0x1000 4 0 == fault 05", FaultReason.WriteDenied)]
    [InlineData("dma-write 00:03.0 0x1000 4 0 == fault 0x5", FaultReason.WriteDenied)]
    [InlineData("dma-read 00:03.0 0x1000 4 == fault 7a", FaultReason.SecondLevelEntryReserved)]
    public void Parse_DmaAssertion_KeepsTheOutcome(string line, FaultReason fault)
    {
        Assert.Equal(new DmaOutcome(fault), Single(line).Expectation!.Outcome);
    }
}
