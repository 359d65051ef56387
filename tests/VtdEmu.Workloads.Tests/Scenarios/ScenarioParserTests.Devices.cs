using VtdEmu.Caches;
using VtdEmu.Devices;
using VtdEmu.Interrupts;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>The device-side commands: msi, ats-translate, translated DMA, unit, page-request, page-response, and their directives.</summary>
public sealed partial class ScenarioParserTests
{
    private const string AtsDevice = "device 00:03.0 ats pri\n";

    [Fact]
    public void Parse_DeviceAtsOptions_EnableAtsWithTheDeviceTlbGeometryAndPri()
    {
        Scenario scenario = ParseOk("device 00:03.0 ats dtlb-entries=8 dtlb-ways=2 dtlb-policy=plru pri\ndevice 00:04.0 ats\ndevice 00:05.0\n");

        Assert.Equal(3, scenario.Setup.Devices.Length);
        Assert.Equal(
            [
                new ScenarioDevice(new PciBdf(0, 3, 0), new CacheGeometry(8, 2, ReplacementPolicy.TreePlru), true),
                new ScenarioDevice(new PciBdf(0, 4, 0), DeviceTlb.DefaultGeometry, false),
            ],
            scenario.Setup.AtsDevices.ToArray());
    }

    [Fact]
    public void Parse_Iec_SetsTheInterruptEntryCacheGeometry_CachesOffDisablesIt()
    {
        Assert.Equal(InterruptEntryCache.DefaultGeometry, ParseOk("mmio-read32 0\n").Setup.InterruptEntryCache);
        Assert.Equal(new CacheGeometry(8, 8), ParseOk("iec entries=8 ways=8\n").Setup.InterruptEntryCache);
        Assert.Equal(CacheGeometry.Disabled, ParseOk("caches off\n").Setup.InterruptEntryCache);
    }

    [Fact]
    public void Parse_Msi_KeepsDeviceAddressAndData_WordsExpectationNormalised()
    {
        ScenarioCommand command = Single("msi 00:03.0 0xFEE0_00B0 0x1 == delivered vector=48 dest=1 physical irte=5");

        Assert.Equal(ScenarioCommandKind.Msi, command.Kind);
        Assert.Equal((0xFEE0_00B0UL, 1UL), (command.Address, command.Value));
        Assert.Equal(["delivered", "vector=0x30", "dest=0x1", "physical", "irte=0x5"], command.Expectation!.Words.ToArray());
    }

    [Fact]
    public void Parse_MsiFaultByName_IsTheCode()
    {
        ScenarioCommand command = Single("msi 00:03.0 0xfee00000 0 == fault IrteNotPresent");

        Assert.Equal(["fault 22"], command.Expectation!.Words.ToArray());
    }

    [Fact]
    public void Parse_AtsTranslate_WithPasidAndWrite()
    {
        Scenario scenario = ParseOk(AtsDevice + "ats-translate 00:03.0 0x1234 pasid=5 write == translated 0x80000 4k rw\n");
        ScenarioCommand command = Assert.Single(scenario.Commands);

        Assert.Equal((ScenarioCommandKind.AtsTranslate, 0x1234UL, 5u, true), (command.Kind, command.Address, command.Pasid!.Value, command.Write));
        Assert.Equal(["translated", "0x80000", "4k", "rw"], command.Expectation!.Words.ToArray());
    }

    [Fact]
    public void Parse_TranslatedDma_SetsTranslated()
    {
        Scenario scenario = ParseOk(AtsDevice + "dma-write 00:03.0 0x1000 4 0xaa translated == ok\ndma-read 00:03.0 0x1000 4 pasid=1 translated\n");

        Assert.All(scenario.Commands, c => Assert.True(c.Translated));
        Assert.Equal(0xAAUL, scenario.Commands[0].Value);
        Assert.Equal(1u, scenario.Commands[1].Pasid);
    }

    [Fact]
    public void Parse_PageRequestAndResponse_KeepThePrgIndex()
    {
        Scenario scenario = ParseOk(AtsDevice + "page-request 00:03.0 0x5000 write prg=3 == queued\npage-response 00:03.0 3 == success from-unit\n");

        Assert.Equal((3UL, true), (scenario.Commands[0].Value, scenario.Commands[0].Write));
        Assert.Equal(["queued"], scenario.Commands[0].Expectation!.Words.ToArray());
        Assert.Equal(3UL, scenario.Commands[1].Value);
        Assert.Equal(["success", "from-unit"], scenario.Commands[1].Expectation!.Words.ToArray());
    }

    [Fact]
    public void Parse_Unit0_OnASingleUnitPlatform()
    {
        ScenarioCommand command = Assert.Single(ParseOk("unit 0\n").Commands);

        Assert.Equal((ScenarioCommandKind.Unit, 0UL), (command.Kind, command.Value));
        Assert.False(command.PrintsResult);
    }

    public static TheoryData<string, string> BadDeviceLines => new()
    {
        { "device 00:03.0 pri", "t.scenario:1: device: pri needs ATS: add 'ats' (a device sends page requests and keeps a device-TLB only with ATS)" },
        { "device 00:03.0 dtlb-entries=8", "t.scenario:1: device: dtlb-* needs ATS: add 'ats' (a device sends page requests and keeps a device-TLB only with ATS)" },
        { "device 00:03.0 ats ats", "t.scenario:1: device: 'ats' given twice" },
        { "device 00:03.0 ats iotlb", "t.scenario:1: device: unexpected 'iotlb': expected 'device BDF [ats [dtlb-entries=N] [dtlb-ways=N] [dtlb-policy=P]] [pri]'" },
        { "device 00:03.0 ats dtlb-entries=12 dtlb-ways=8", "t.scenario:1: device: entries=12 is not a multiple of ways=8" },
        { "device 00:03.0 ats dtlb-size=4", "t.scenario:1: device: expected dtlb-entries=N, dtlb-ways=N or dtlb-policy=lru|plru|random|flush, found 'dtlb-size=4'" },
        { "device", "t.scenario:1: device: expected 'device BDF [ats [dtlb-entries=N] [dtlb-ways=N] [dtlb-policy=P]] [pri]', found 0 operands" },
        { "iec entries=12 ways=8", "t.scenario:1: iec: entries=12 is not a multiple of ways=8" },
        { "iec entries=8\niec ways=8", "t.scenario:2: iec: given twice (first at t.scenario:1)" },
        { "caches off\niec entries=8", "t.scenario:2: iec: cannot be combined with caches (at t.scenario:1)" },
        { "platform-dmar", "t.scenario:1: platform-dmar: expected 'platform-dmar FILE', found 0 operands" },
        { "platform-dmar no-such-vtdemu-table.bin", "t.scenario:1: platform-dmar: no-such-vtdemu-table.bin: no such file" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000", "t.scenario:2: msi: expected 'msi BDF ADDR DATA', found 2 operands" },
        { "device 00:03.0\nmsi 00:03.0 0xfed00000 0", "t.scenario:2: msi ADDR: 0xfed00000 is outside the interrupt address window 0xfee00000-0xfeefffff (an MSI is a DWORD write there)" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0x1_0000_0000", "t.scenario:2: msi DATA: 0x1_0000_0000 does not fit in 32 bits" },
        { "msi 00:04.0 0xfee00000 0", "t.scenario:1: msi BDF: device 00:04.0 is not declared (add 'device 00:04.0' before the first command)" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0 == ok", "t.scenario:2: msi == OUTCOME: expected 'delivered|posted|fault' then any of dest=N, vector=N, dlm=N, irte=N, physical, logical, edge, level, rh, compat, notify, no-notify, fpd, fault XX, found 'ok'" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0 == delivered vector=x", "t.scenario:2: msi == OUTCOME: vector=: expected a number (0x-prefixed hex or decimal), found 'x'" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0 == delivered 4k", "t.scenario:2: msi == OUTCOME: unexpected '4k': expected 'delivered|posted|fault' then any of dest=N, vector=N, dlm=N, irte=N, physical, logical, edge, level, rh, compat, notify, no-notify, fpd, fault XX" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0 == fault", "t.scenario:2: msi == OUTCOME: fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found ''" },
        { "device 00:03.0\nmsi 00:03.0 0xfee00000 0 write", "t.scenario:2: msi: expected 'msi BDF ADDR DATA', found 4 operands" },
        { "device 00:03.0\nats-translate 00:03.0 0x1000", "t.scenario:2: ats-translate: device 00:03.0 has no ATS: declare it 'device 00:03.0 ats'" },
        { "device 00:03.0\ndma-read 00:03.0 0x1000 4 translated", "t.scenario:2: dma-read translated: device 00:03.0 has no ATS: declare it 'device 00:03.0 ats'" },
        { AtsDevice + "dma-read 00:03.0 0x1000 4 pasid=1 priv translated", "t.scenario:2: dma-read: priv and exec do not combine with translated (the model's translated requests carry neither)" },
        { AtsDevice + "dma-read 00:03.0 0x1000 4 translated translated", "t.scenario:2: dma-read: 'translated' given twice" },
        { AtsDevice + "dma-read 00:03.0 0x1000 4 write", "t.scenario:2: dma-read: unexpected 'write' after the operands: expected [pasid=N [priv] [exec]] [translated], or '==' and the expected outcome" },
        { AtsDevice + "ats-translate 00:03.0 0x1000 priv", "t.scenario:2: ats-translate: unexpected 'priv' after the operands: expected [pasid=N] [write], or '==' and the expected outcome" },
        { AtsDevice + "ats-translate 00:03.0 0x1000 == translated 0x1000 8k", "t.scenario:2: ats-translate == OUTCOME: unexpected '8k': expected 'translated|no-access|ur' then any of 4k, 2m, 1g, rw, r-, -w, ADDR, fault XX" },
        { AtsDevice + "ats-translate 00:03.0 0x1000 ==", "t.scenario:2: ats-translate: expected '== ' and 'translated|no-access|ur' then any of 4k, 2m, 1g, rw, r-, -w, ADDR, fault XX after the operands, found '=='" },
        { "device 00:03.0 ats\npage-request 00:03.0 0x1000", "t.scenario:2: page-request: device 00:03.0 has no page request interface (PRI): declare it 'device 00:03.0 ats pri'" },
        { AtsDevice + "page-request 00:03.0 0x1000 prg=512", "t.scenario:2: page-request prg=N: 512 does not fit in 9 bits" },
        { AtsDevice + "page-request 00:03.0 0x1000 prg=1 prg=2", "t.scenario:2: page-request: 'prg=2' given twice" },
        { AtsDevice + "page-request 00:03.0 0x1000 == queued response=maybe", "t.scenario:2: page-request == OUTCOME: response=: expected success, invalid-request, failure, found 'maybe'" },
        { AtsDevice + "page-response 00:03.0 0x200", "t.scenario:2: page-response PRG: 0x200 does not fit in 9 bits" },
        { AtsDevice + "page-response 00:03.0 1 == accepted", "t.scenario:2: page-response == OUTCOME: expected 'none|success|invalid-request|failure' then any of pasid=N, from-unit, found 'accepted'" },
        { "unit 1", "t.scenario:1: unit N: the platform has one unit (0); several come from a 'platform-dmar FILE' directive" },
        { "unit", "t.scenario:1: unit: expected 'unit N', found 0 operands" },
        { "unit 0 == 0", "t.scenario:1: unit prints no result, so it takes no assertion" },
    };

    [Theory]
    [MemberData(nameof(BadDeviceLines))]
    public void Parse_BadDeviceCommand_ReportsFileLineAndWhatWasExpected(string text, string expected)
    {
        ScenarioParseResult result = ScenarioParser.Parse(File, text);

        Assert.False(result.Succeeded);
        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }
}
