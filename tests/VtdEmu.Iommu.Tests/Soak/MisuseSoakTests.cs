using System.Globalization;
using VtdEmu.Registers;
using Xunit.Abstractions;

namespace VtdEmu.Iommu.Tests.Soak;

/// <summary>
/// Randomized misuse of the public API (issue 14 item 8): seeded call sequences over two cores and two units under
/// each attach policy, checked after every call against <see cref="SoakModel"/> (errno, state, DMA). A failure prints
/// the seed and the shortest call sequence that still fails. The suite runs a short fixed set of seeds; set
/// VTDEMU_SOAK_MINUTES=N to run new seeds for N minutes (seeds printed).
/// </summary>
public sealed class MisuseSoakTests(ITestOutputHelper output)
{
    private const int Steps = 40;

    // Binds, attaches and detaches are what the ownership rules are about: drawn three times as often.
    private static readonly SoakOpKind[] s_weighted = [.. Enum.GetValues<SoakOpKind>(), .. Repeat(SoakOpKind.Bind, SoakOpKind.BindManaged, SoakOpKind.AttachDevice, SoakOpKind.DetachDevice, SoakOpKind.Unbind, SoakOpKind.AttachGroup, SoakOpKind.DeviceClaim)];

    /// <summary>
    /// Every policy on the legacy unit (qemu) with eight seeds, and on the scalable ones — sapphire-rapids (first-level
    /// tables) and qemu-sm (second-level tables through PASID entries) — with three: the ownership rules are the core's
    /// and the same in both modes; the extra runs check that the scalable driver programs what the core decided.
    /// </summary>
    public static TheoryData<string, string, int> PolicyUnits()
    {
        TheoryData<string, string, int> rows = [];
        foreach (string policy in new[] { "mainline", "attach-count", "driver-flag" })
        {
            rows.Add(policy, "qemu", 8);
            rows.Add(policy, "sapphire-rapids", 3);
            rows.Add(policy, "qemu-sm", 3);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(PolicyUnits))]
    public void RandomMisuse_EveryCallReturnsTheModelErrnoAndDmaLandsWhereTheDomainSays(string policy, string unit, int seeds)
    {
        Assert.True(IommuAttachPolicy.TryParse(policy, out IommuAttachPolicy? p));
        UnitConfiguration configuration = UnitConfiguration.FindPreset(unit)!;
        for (int seed = 1; seed <= seeds; seed++)
        {
            RunSeed(p, configuration, seed);
        }
    }

    [Fact]
    public void RandomMisuse_LongRun_WhenVtdEmuSoakMinutesIsSet()
    {
        string? minutes = Environment.GetEnvironmentVariable("VTDEMU_SOAK_MINUTES");
        if (!double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) || m <= 0)
        {
            return;
        }

        DateTime end = DateTime.UtcNow.AddMinutes(m);
        int seed = Environment.TickCount & 0x7FFF_FFFF;
        output.WriteLine($"soak: starting at seed {seed}");
        int runs = 0;
        while (DateTime.UtcNow < end)
        {
            foreach (IommuAttachPolicy p in IommuAttachPolicy.All)
            {
                foreach (UnitConfiguration unit in new[] { UnitConfiguration.Qemu, UnitConfiguration.SapphireRapids, UnitConfiguration.QemuScalable })
                {
                    RunSeed(p, unit, seed);
                }
            }

            seed++;
            runs++;
        }

        output.WriteLine($"soak: {runs} seeds x {IommuAttachPolicy.All.Count} policies x 3 units, {Steps} calls each, no failure");
    }

    [Fact]
    public void Shrink_KeepsOnlyTheCallsTheFailureNeeds()
    {
        SoakOp[] ops = Generate(7);
        SoakOp needed = ops[5];
        List<SoakOp> shrunk = Shrink([.. ops], list => list.Contains(needed));

        Assert.Equal([needed], shrunk);
    }

    internal static SoakOp[] Generate(int seed)
    {
        Random random = new(seed);
        SoakOp[] ops = new SoakOp[Steps];
        for (int i = 0; i < Steps; i++)
        {
            int core = random.Next(2);
            int target = random.Next(8) == 0 ? 1 - core : core;
            ops[i] = new SoakOp(s_weighted[random.Next(s_weighted.Length)], core, target, random.Next(3), random.Next(6), random.Next(3), random.Next(SoakWorld.Pages));
        }

        return ops;
    }

    private static SoakOpKind[] Repeat(params SoakOpKind[] kinds) => [.. kinds, .. kinds];

    private static void RunSeed(IommuAttachPolicy policy, UnitConfiguration unit, int seed)
    {
        List<SoakOp> ops = [.. Generate(seed)];
        if (Fails(policy, unit, ops) is not { } failure)
        {
            return;
        }

        List<SoakOp> shrunk = Shrink(ops, list => Fails(policy, unit, list) is not null);
        string calls = string.Join(Environment.NewLine, shrunk.Select((o, i) => $"  {i + 1}. {o}"));
        Assert.Fail($"soak failed: policy {policy}, unit {unit.Name}, seed {seed}: {failure}{Environment.NewLine}shortest failing sequence ({shrunk.Count} calls):{Environment.NewLine}{calls}");
    }

    private static string? Fails(IommuAttachPolicy policy, UnitConfiguration unit, List<SoakOp> ops)
    {
        try
        {
            SoakWorld world = new(policy, unit);
            foreach (SoakOp op in ops)
            {
                world.Apply(op);
            }

            world.ReleaseAll();
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>
    /// Drops calls one at a time (then retries from the start) while <paramref name="fails"/> still holds, for at most
    /// 30 seconds (the sequence found so far is printed either way).
    /// </summary>
    private static List<SoakOp> Shrink(List<SoakOp> ops, Func<List<SoakOp>, bool> fails)
    {
        DateTime giveUp = DateTime.UtcNow.AddSeconds(30);
        bool progress = true;
        while (progress && DateTime.UtcNow < giveUp)
        {
            progress = false;
            for (int i = 0; i < ops.Count; i++)
            {
                List<SoakOp> candidate = [.. ops[..i], .. ops[(i + 1)..]];
                if (fails(candidate))
                {
                    ops = candidate;
                    progress = true;
                    break;
                }
            }
        }

        return ops;
    }
}
