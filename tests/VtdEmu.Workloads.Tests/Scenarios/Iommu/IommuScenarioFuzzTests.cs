using CsCheck;
using VtdEmu.Iommu;
using VtdEmu.Workloads.Scenarios.Iommu;

namespace VtdEmu.Workloads.Tests.Scenarios.Iommu;

/// <summary>
/// Hostile scenario text never throws: random sequences of the examples' call lines (most parse, so the runner is
/// exercised under every policy) and the same lines with one word replaced by a random one (mostly parse errors,
/// each with a line and a column). Fixed seeds; a failure prints the seed and the text.
/// </summary>
public sealed class IommuScenarioFuzzTests
{
    private const string Header = """
        root-port rp 00:1c.0
        pci-bridge br rp 01:00.0
        device cam 02:01.0 parent=br
        device tuner 02:02.0 parent=br
        device nic 00:19.0
        device gpu 00:02.0
        device audio 00:02.1
        token vfio
        token other
        token user
        alloc d paging gpu
        alloc e paging gpu
        alloc a paging nic
        alloc b paging nic
        alloc id identity nic
        alloc blk blocked nic
        default-domain dflt nic
        token vmm
        alloc s2 paging nic nest-parent
        alloc-nested s1 s2 nic 0x100000

        """;

    private static readonly string[] s_lines =
    [
        .. RepoFiles.Examples().SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0 && !l.StartsWith('#') && IommuVerbs.Find(l.Split(' ')[0]) is { IsSetup: false } verb
                && verb.Name is not ("token" or "alloc" or "alloc-nested" or "default-domain"))
            .Distinct(StringComparer.Ordinal),
    ];

    private static readonly string[] s_words =
    [
        .. s_lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal),
        "==", "#", "0xFFFFFFFFFFFFFFFF", "18446744073709551616", "-1", "none", "pasid=3", "acs=0", "parent=nic", "\t", "=", "0x",
    ];

    /// <summary>The qemu unit (no nesting: the nested lines are refused) and sapphire-rapids (nested domains work).</summary>
    [Theory]
    [InlineData("qemu", 40)]
    [InlineData("sapphire-rapids", 10)]
    public void RandomCallSequences_RunUnderEveryPolicy_WithoutThrowing(string preset, int seeds)
    {
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            var pcg = new PCG(23, seed);
            string text = $"preset {preset}\n" + Header + string.Join('\n', Enumerable.Range(0, 30).Select(_ => s_lines[(int)pcg.Next((uint)s_lines.Length)]));
            IommuScenarioParseResult parsed = IommuScenarioParser.Parse("fuzz.iommu", text);
            Assert.True(parsed.Succeeded, $"seed {seed}: {string.Join('\n', parsed.Errors)}");
            foreach (IommuAttachPolicy policy in IommuAttachPolicy.All)
            {
                IommuScenarioRunResult result = IommuScenarioRunner.Run(parsed.Scenario, policy, TextWriter.Null);
                Assert.Equal(parsed.Scenario.Steps.Length, result.Records.Length);
                Assert.DoesNotContain(result.Failures, f => f.Message.Contains("the core refused the call", StringComparison.Ordinal) && !text.Contains("free", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void OneWordReplaced_ParsesOrReportsLineAndColumn()
    {
        for (ulong seed = 1; seed <= 400; seed++)
        {
            var pcg = new PCG(29, seed);
            string[] words = s_lines[(int)pcg.Next((uint)s_lines.Length)].Split(' ');
            words[(int)pcg.Next((uint)words.Length)] = s_words[(int)pcg.Next((uint)s_words.Length)];
            string text = Header + string.Join(' ', words);
            IommuScenarioParseResult parsed = IommuScenarioParser.Parse("fuzz.iommu", text);
            if (parsed.Succeeded)
            {
                _ = IommuScenarioRunner.Run(parsed.Scenario, IommuAttachPolicy.Mainline, TextWriter.Null);
                continue;
            }

            Assert.All(parsed.Errors, e => Assert.True(e.Location.Line > 0 && e.Location.Column > 0, $"seed {seed}: {e}"));
        }
    }
}
