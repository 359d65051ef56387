using CsCheck;
using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>
/// The runner's side of msi, ats-translate, translated DMA, unit, page-request and page-response on a
/// stand-in target: what reaches the target, how each outcome prints, and how the word assertions match.
/// </summary>
public sealed class ScenarioDeviceCommandsTests
{
    private const string File = "d.scenario";
    private const string Devices = "device 00:03.0 ats pri\n";

    private readonly FakeScenarioTargetFactory _factory = new();
    private readonly StringWriter _output = new() { NewLine = "\n" };

    private ScenarioRunResult Run(string text)
    {
        ScenarioParseResult parsed = ScenarioParser.Parse(File, Devices + text);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        return ScenarioRunner.Run(parsed.Scenario, _factory, _output);
    }

    private string[] Lines => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private FakeScenarioTarget Target => _factory.LastTarget!;

    [Fact]
    public void Msi_PassesSourceAddressAndData_PrintsTheDeliveredInterrupt()
    {
        ScenarioRunResult result = Run("msi 00:03.0 0xfee000b0 7 == delivered dest=1 vector=0x30 physical edge irte=5\n");

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal((0x0018, 0xFEE0_00B0UL, 7u), Assert.Single(Target.MsiLog));
        Assert.Equal(["msi 00:03.0 0xfee000b0 0x7 = delivered dest=0x1 vector=0x30 dlm=0 physical edge irte=5"], Lines);
    }

    public static TheoryData<string, string> MsiOutcomes => new()
    {
        { "compat", "delivered dest=0x2 vector=0x31 dlm=1 logical level rh compat" },
        { "posted-notify", "posted irte=9 notify dest=0x2 vector=0xf2 dlm=0 physical edge" },
        { "posted-quiet", "posted irte=9 no-notify" },
        { "fault", "fault 26" },
        { "fault-fpd", "fault 22 fpd" },
    };

    [Theory]
    [MemberData(nameof(MsiOutcomes))]
    public void Msi_EveryOutcome_PrintsItsWords(string name, string printed)
    {
        AnswerMsiWith(name);
        Run("msi 00:03.0 0xfee00000 0\n");

        Assert.Equal($"msi 00:03.0 0xfee00000 0x0 = {printed}", Assert.Single(Lines));
    }

    // The next target the factory builds answers with the named outcome.
    private void AnswerMsiWith(string name) => _factory.NextMsiResult = name switch
    {
        "compat" => new InterruptRemapResult(InterruptStatus.Delivered, new ApicInterrupt(2, 0x31, 1, Logical: true, Level: true, RedirectionHint: true)),
        "posted-notify" => new InterruptRemapResult(InterruptStatus.Posted, new ApicInterrupt(2, 0xF2), Index: 9, Remapped: true, Notified: true),
        "posted-quiet" => new InterruptRemapResult(InterruptStatus.Posted, Index: 9, Remapped: true),
        "fault" => new InterruptRemapResult(InterruptStatus.Blocked, Fault: FaultReason.InterruptSourceIdInvalid, Index: 5),
        _ => new InterruptRemapResult(InterruptStatus.Blocked, Fault: FaultReason.IrteNotPresent, Index: 8, Suppressed: true),
    };

    [Fact]
    public void Msi_WordAssertion_FailsOnAnyWordNotPrinted_NamingLineExpectedAndActual()
    {
        ScenarioRunResult result = Run(
            "msi 00:03.0 0xfee000b0 0 == delivered vector=0x31\n" +
            "msi 00:03.0 0xfee000b0 0 == delivered logical\n" +
            "msi 00:03.0 0xfee000b0 0 == posted\n" +
            "msi 00:03.0 0xfee000b0 0 == fault 22\n" +
            "msi 00:03.0 0xfee000b0 0 == delivered irte=5 dest=0x1\n");

        Assert.Equal([2, 3, 4, 5], result.Failures.Select(f => f.Location.Line));
        Assert.Equal(
            "d.scenario:2: msi 00:03.0 0xfee000b0 0x0: expected delivered vector=0x31, actual delivered dest=0x1 vector=0x30 dlm=0 physical edge irte=5",
            result.Failures[0].ToString());
    }

    [Fact]
    public void WordAssertion_AnySubsetOfThePrintedWordsWithItsHead_Holds_AChangedNumberDoesNot()
    {
        Gen.Select(Gen.UInt, Gen.Byte, Gen.Int[0, 7], Gen.Bool, Gen.Int[0, 0xFFFF], Gen.Bool.Array[6]).Sample((dest, vector, dlm, logical, index, keep) =>
        {
            string printed = $"delivered dest=0x{dest:x} vector=0x{vector:x2} dlm={dlm} {(logical ? "logical" : "physical")} edge irte={index}";
            string[] words = printed.Split(' ');
            string[] subset = [words[0], .. words.Skip(1).Where((_, i) => keep[i])];
            string[] changed = [words[0], $"vector={(vector + 1) & 0xFF}"];

            Assert.True(ScenarioOutcomeWords.Matches(Normalize(subset), printed));
            Assert.False(ScenarioOutcomeWords.Matches(Normalize(changed), printed));
        });

        static System.Collections.Immutable.ImmutableArray<string> Normalize(string[] words) =>
            ScenarioOutcomeWords.TryNormalize(words, ScenarioOutcomeWords.Msi, out string error) ?? throw new InvalidOperationException(error);
    }

    [Fact]
    public void AtsTranslate_PassesPasidAndWrite_PrintsTheCompletion()
    {
        ScenarioRunResult result = Run("ats-translate 00:03.0 0x1234 pasid=5 write == translated 0x91000 r-\n");

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal((5u, true), (Target.LastRequest.Pasid!.Value, Target.LastRequest.Write));
        Assert.Equal(["ats-translate 00:03.0 0x1234 = translated 0x91000 4k r-"], Lines);
    }

    [Theory]
    [InlineData(true, true, 21, "translated 0x91000 2m rw")]
    [InlineData(true, false, 12, "no-access fault 06")]
    [InlineData(false, false, 12, "ur fault 0d")]
    public void AtsTranslate_EachCompletionKind_PrintsItsWords(bool success, bool grants, int shift, string printed)
    {
        FaultReason fault = success ? FaultReason.ReadDenied : FaultReason.RequestTypeBlocked;
        _factory.NextAtsResult = new AtsCompletion(success, 0x1000, grants ? 0x9_1000UL : 0, shift, grants, grants, grants ? FaultReason.None : fault);

        Run("ats-translate 00:03.0 0x1000\n");

        Assert.Equal($"ats-translate 00:03.0 0x1000 = {printed}", Assert.Single(Lines));
    }

    [Fact]
    public void TranslatedDma_ReachesTheTargetAsTranslated_PrintsLikeAnyDma()
    {
        Run("dma-read 00:03.0 0x1000 4 translated\n");

        Assert.True(Target.LastTranslated);
        Assert.Equal(["dma-read 00:03.0 0x1000 = fault 02"], Lines);
    }

    [Fact]
    public void PageRequest_PrintsTheOutcomeAndTheUnitsOwnResponse_PageResponseTheLastOne()
    {
        _factory.NextPageRequestResult = (PageRequestOutcome.Overflowed, new PageGroupResponse(0x18, 4, PageResponseCode.Success, 7, FromUnit: true));

        ScenarioRunResult result = Run("page-request 00:03.0 0x6000 prg=4 pasid=7 == overflowed response=success\npage-response 00:03.0 4 == success pasid=7 from-unit\n");

        Assert.True(result.Passed, string.Join('\n', result.Failures));
        Assert.Equal(4, Target.LastRequest.Group);
        Assert.Equal(["page-request 00:03.0 0x6000 = overflowed response=success", "page-response 00:03.0 0x4 = success pasid=0x7 from-unit"], Lines);
    }

    [Fact]
    public void Unit_PrintsNothing_AndMmioStillReachesUnit0()
    {
        ScenarioRunResult result = Run("unit 0\nmmio-write32 0x38 5\nmmio-read32 0x38 == 5\n");

        Assert.True(result.Passed);
        Assert.Equal(["mmio-read32 0x38 = 00000005"], Lines);
    }
}
