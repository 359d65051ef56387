using System.Globalization;
using System.Text;
using CsCheck;
using VtdEmu.Cli.Replay;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Tests.Replay;

/// <summary>
/// Replay in port batches must be indistinguishable from issuing each access through its device one
/// at a time: same outcomes, statistics, fault records, registers and guest RAM.
/// </summary>
public sealed class TraceReplayerTests
{
    // qemu preset, legacy mode, a small 2-way IOTLB so eviction order matters. 00:03.0 (DID 1) maps
    // IOVA pages 0x100-0x103 read-write, 0x104-0x105 read-only, 0x106 to a frame beyond RAM (ur),
    // 0x107 not present; 00:04.0 has no context entry (fault 02).
    private static readonly string s_setup = BuildSetup();

    private static readonly Gen<TraceAccess> s_access =
        Gen.Select(Gen.Int[3, 4], Gen.Int[0x100, 0x108], Gen.Int[0, 4095], Gen.OneOf(Gen.UInt[0, 0], Gen.UInt[1, 64], Gen.UInt[1, 9000]), Gen.Bool)
            .Select((device, page, offset, length, write) => new TraceAccess(
                new PciBdf(0, (byte)device, 0), ((ulong)page << 12) + (ulong)offset, length, write ? DmaDirection.Write : DmaDirection.Read));

    // Runs of one device and direction, as real traces have, so batches form.
    private static readonly Gen<TraceAccess[]> s_trace =
        Gen.Select(s_access, Gen.Int[1, 12]).Select((a, n) => Enumerable.Repeat(a, n).Select((x, i) => x with { Iova = x.Iova + (ulong)(i * 64) }).ToArray())
            .Array[0, 40].Select(runs => runs.SelectMany(r => r).ToArray());

    private static string BuildSetup()
    {
        var text = new StringBuilder("""
            preset qemu
            ram 0 0x400000
            device 00:03.0
            device 00:04.0
            iotlb entries=4 ways=2
            mem-write64 0x10000 0x11001
            mem-write64 0x11180 0x12001
            mem-write64 0x11188 0x0101
            mem-write64 0x12000 0x13003
            mem-write64 0x13000 0x14003

            """);
        for (int i = 0; i < 7; i++)
        {
            ulong frame = i == 6 ? 0x80_0000UL : 0x20_0000UL + ((ulong)i * 0x1000);
            int rights = i < 4 ? 3 : i < 6 ? 1 : 3;
            text.Append(CultureInfo.InvariantCulture, $"mem-write64 0x{0x14800 + (8 * i):x} 0x{frame + (ulong)rights:x}\n");

            // A different byte per page: what a write carries depends on which read came last.
            if (i != 6)
            {
                text.Append(CultureInfo.InvariantCulture, $"mem-fill 0x{frame:x} 0x1000 0x{0x11 * (i + 1):x}\n");
            }
        }

        text.Append("mmio-write64 0x20 0x10000\nmmio-write32 0x18 0x40000000\nmmio-write32 0x18 0x80000000\n");
        return text.ToString();
    }

    private static PlatformScenarioTarget NewTarget()
    {
        ScenarioParseResult parsed = ScenarioParser.Parse("setup.scenario", s_setup);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        Assert.True(new PlatformScenarioTargetFactory().TryCreate(parsed.Scenario!.Setup, out IScenarioTarget? target, out ScenarioError? error), error?.ToString());
        Assert.True(ScenarioRunner.Run(parsed.Scenario, target, TextWriter.Null).Passed);
        var platform = (PlatformScenarioTarget)target;
        platform.Platform.ResetStatistics();
        return platform;
    }

    // The model: each access through its PCI endpoint, one at a time, in trace order.
    private static Dictionary<DmaOutcome, long> OneAtATime(PlatformScenarioTarget target, TraceAccess[] trace)
    {
        var outcomes = new Dictionary<DmaOutcome, long>();
        byte[] buffer = new byte[ScenarioParser.MaxDmaLength];
        foreach (TraceAccess access in trace)
        {
            Span<byte> data = buffer.AsSpan(0, (int)access.Length);
            DmaOutcome outcome = access.Direction == DmaDirection.Read
                ? target.DmaRead(access.Device.SourceId, access.Iova, data)
                : target.DmaWrite(access.Device.SourceId, access.Iova, data);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        return outcomes;
    }

    private static ulong[] Registers(PlatformScenarioTarget target) =>
        [.. Enumerable.Range(0, 0x300 / 8).Select(i => target.Mmio.Read((ulong)i * 8, 8))];

    [Fact]
    public void Replay_InPortBatches_SameAsOneAccessAtATime()
    {
        Gen.Select(s_trace, Gen.Int[1, 50]).Sample((trace, batch) =>
        {
            PlatformScenarioTarget expected = NewTarget();
            PlatformScenarioTarget actual = NewTarget();
            var replayer = new TraceReplayer(actual);

            Dictionary<DmaOutcome, long> model = OneAtATime(expected, trace);
            foreach (TraceAccess[] chunk in trace.Chunk(batch))
            {
                replayer.Replay(chunk);
            }

            Assert.Equal(model.OrderBy(o => o.Key.ToString()), replayer.Outcomes().OrderBy(o => o.Key.ToString()));
            Assert.Equal(expected.Platform.Statistics, actual.Platform.Statistics);
            Assert.Equal(Registers(expected), Registers(actual));
            byte[] expectedRam = new byte[0x8000], actualRam = new byte[0x8000];
            Assert.True(expected.Memory.TryRead(0x20_0000, expectedRam) && actual.Memory.TryRead(0x20_0000, actualRam));
            Assert.Equal(expectedRam, actualRam);
            Assert.Equal(trace.Length, replayer.Replayed);
        });
    }
}
