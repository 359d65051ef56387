using System.Text.RegularExpressions;
using VtdEmu.Cli.Demo;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Tests.Commands;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData]
    [InlineData("demo")]
    public void Demo_IsTheDefault_RunsTheWorkloadAndReports(params string[] args)
    {
        Assert.Equal(ExitCode.Success, _cli.Run(args));

        Assert.Empty(_cli.Error);
        Assert.Matches(new Regex($@"│ total\s+│\s+│\s+{DemoWorkload.ExpectedDmas} │"), _cli.Out);
        Assert.Contains($"packets received and verified in host memory: {2 * DemoWorkload.PacketsPerNic}/{2 * DemoWorkload.PacketsPerNic}", _cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qemu", "0x220")]
    [InlineData("broadwell", "0x100")]
    [InlineData("sapphire-rapids", "0x400")]
    public void Demo_DeliberateFault_ReadBackFromFrcdWithItsReason(string preset, string _)
    {
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // One record: the storage controller (00:1f.2) writing its completion into the read-only command page; the
        // scalable-mode code (SGN.6) on units the driver runs in scalable mode.
        string reason = FirstLevel(preset) ? "0x85 ScalableWriteDenied" : "0x05 WriteDenied";
        Assert.Matches(new Regex($@"│ 0\s+│ 00:1f\.2 │ write\s+│ 0x40000000 │ {reason}\s+│"), _cli.Out);
        Assert.Contains("FSTS 0x00000002 PPF=1 PFO=0 FRI=0", _cli.Out, StringComparison.Ordinal);
        // Storage: one DMA (one translation) per block each way plus the faulting write, which moves no bytes.
        const int storageDmas = (2 * DemoWorkload.StorageBlocks) + 1;
        const int storageBytes = 2 * DemoWorkload.StorageBlocks * 4096;
        Assert.Matches(new Regex($@"│ 00:1f\.2 │ storage\s+│\s+{storageDmas} │\s+{storageBytes} │\s+{storageDmas} │ .*│ 1 \(last: {reason[5..]}\) │"), _cli.Out);
    }

    // The workload's distinct (DID, 4-KiB page) pairs: each NIC touches its descriptor ring (one page)
    // and RingEntries buffers of BufferSize bytes; storage touches its data blocks and, for the fault,
    // the command page. Every DMA stays inside one page, so translations == DMAs.
    private const int NicPages = 1 + (DemoWorkload.RingEntries * DemoWorkload.BufferSize / 4096);
    private const int StoragePages = DemoWorkload.StorageBlocks + 1;
    private const int DistinctPages = (2 * NicPages) + StoragePages;
    private const int Devices = 3;

    [Theory]
    [InlineData("qemu")]
    [InlineData("broadwell")]
    public void Demo_DefaultIotlb_HoldsTheWorkingSet_OnlyCompulsoryMisses(string preset)
    {
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // 512 entries, 4-way: 128 sets indexed by page number. The busiest set (page number 0 mod 128:
        // both NIC rings at 0x100 and first buffers at 0x200) holds 4 before the last DMA, so nothing is
        // evicted and re-used: misses are exactly the first touch of each (DID, page), the faulting one included.
        int hits = DemoWorkload.ExpectedDmas - DistinctPages;
        Assert.Matches(new Regex($@"│ IOTLB\s+│ 512 entries, 4-way, lru\s+│\s+{DemoWorkload.ExpectedDmas} │\s+{hits} │\s+{DistinctPages} │"), _cli.Out);

        // One context-cache miss per device, every later translation hits.
        Assert.Matches(new Regex($@"│ context cache\s+│ 64 entries, 4-way, lru\s+│\s+{DemoWorkload.ExpectedDmas} │\s+{DemoWorkload.ExpectedDmas - Devices} │\s+{Devices} │"), _cli.Out);
    }

    // Levels of the tables the driver builds: Linux's iommu_calculate_agaw takes the largest CAP.SAGAW bit n with a
    // width (30 + 9n) not above 57 bits; the walk has n + 2 levels. qemu offers 39-bit only (3 levels), broadwell
    // 48-bit (4), sapphire-rapids 48- and 57-bit (the driver takes 5; in scalable mode the first-level widths with
    // FL5LP, 4- and 5-level, give the same).
    public static TheoryData<string> DriverPresets => ["qemu", "broadwell", "sapphire-rapids"];

    [Theory]
    [MemberData(nameof(DriverPresets))]
    public void Demo_TableReads_FollowFromTheCachedWalks(string preset)
    {
        int levels = DriverLevels(preset);
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // Root + context entry once per device (context-cache misses). One walk per IOTLB miss; the
        // paging-structure cache (tagged by DID) shortens all but each domain's first walk:
        //  NIC: ring 0x10_0000 walks every level; the first buffer 0x20_0000 is another 2-MiB region
        //       under the same 1-GiB entry (PDE + PTE); the other buffers share its PDE (PTE only).
        //  storage: block 0 walks every level; the other blocks and the command page share its PDE.
        int nic = levels + 2 + (NicPages - 2);
        int storage = levels + (StoragePages - 1);
        int reads = (2 * Devices) + (2 * nic) + storage;

        // Scalable mode with first-level tables: root, context, PASID-directory and PASID-table entry once per
        // device; the walks read the same levels, the first-level paging-structure entries being tagged by
        // (DID, PASID) and each domain using one PASID (RID_PASID).
        if (FirstLevel(preset))
        {
            reads = (4 * Devices) + (2 * nic) + storage;
        }

        Assert.Matches(new Regex($@"Caches: {DemoWorkload.ExpectedDmas} translations, {DistinctPages} walks, {reads} table reads"), _cli.Out);
        Assert.Matches(new Regex($@"│ total\s+│\s+│\s+{DemoWorkload.ExpectedDmas} │\s+\d+ │\s+{DemoWorkload.ExpectedDmas} │\s+{reads} │"), _cli.Out);
        Assert.True(reads < DemoWorkload.ExpectedDmas, "with caches a translation costs well under one table read on average");
    }

    [Theory]
    [MemberData(nameof(DriverPresets))]
    public void Demo_ContextEntries_ReadBackWithDriverDidsInProbeOrder(string preset)
    {
        int levels = DriverLevels(preset);
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // Every function probed (the root port included) is its own group with its own DMA domain; the driver
        // hands out DIDs from 2 (0 and 1 are reserved) in attach order, which is probe order.
        string[] probeOrder = ["00:19.0", "00:1c.0", "00:1f.2", "01:00.0"];
        bool first = FirstLevel(preset);
        for (int i = 0; i < probeOrder.Length; i++)
        {
            string bdf = Regex.Escape(probeOrder[i]);
            Assert.Matches(
                first
                    ? new Regex($@"│ pasid\[{bdf}:0\]\s+│ P=1 PGTT=first-level DID={2 + i} FLPTPTR=0x[0-9a-f]+ {levels}-level")
                    : new Regex($@"│ context\[{bdf}\]\s+│ P=1 DID={2 + i} TT=UntranslatedOnly AW={30 + (9 * (levels - 2))}-bit "),
                _cli.Out);
        }

        Assert.Contains(first ? "(scalable mode, first-level tables," : "(legacy mode, second-level tables,", _cli.Out, StringComparison.Ordinal);

        // The driver enables queued invalidation whenever ECAP.QI offers it.
        int qies = UnitConfiguration.FindPreset(preset)!.ExtendedCapability.QI ? 1 : 0;
        Assert.Matches(new Regex($@"│ GSTS\s+│ 0x[0-9a-f]{{8}} \(TES=1 RTPS=1 QIES={qies}\)"), _cli.Out);
        Assert.Matches(new Regex(first ? @"│ RTADDR\s+│ 0x[0-9a-f]+ \(TTM=1: scalable\)" : @"│ RTADDR\s+│ 0x[0-9a-f]+ \(TTM=0: legacy\)"), _cli.Out);
    }

    [Theory]
    [MemberData(nameof(DriverPresets))]
    public void Demo_Mappings_ReadBackFromTheDomainsTables(string preset)
    {
        int levels = DriverLevels(preset);
        Assert.Equal(ExitCode.Success, _cli.Run("demo", "--preset", preset));

        // Storage (third in probe order: DID 4): the command page read-only, the data blocks read/write.
        Assert.Matches(new Regex($@"│ DID 4 map\s+│ iova 0x{DemoWorkload.CommandIova:x}-0x{DemoWorkload.CommandIova + 0xFFF:x} -> 0x[0-9a-f]+ R- \(1 x 4 KiB\)"), _cli.Out);
        Assert.Matches(new Regex($@"│ DID 4 map\s+│ iova 0x{DemoWorkload.DataIova:x}-0x[0-9a-f]+ -> 0x[0-9a-f]+ RW \({DemoWorkload.StorageBlocks} x 4 KiB\)"), _cli.Out);

        // Table pages: each NIC's ring and buffers share the tables down to the level-2 table and have a level-1
        // table each (levels + 1); storage's pages share one path (levels); the root port's domain is only its root.
        int tablePages = (2 * (levels + 1)) + levels + 1;
        Assert.Contains($"{(FirstLevel(preset) ? "first" : "second")}-level tables │ {tablePages} table pages below 4 domain roots", _cli.Out, StringComparison.Ordinal);
    }

    // The driver runs sapphire-rapids in scalable mode with first-level tables (ECAP.SMTS, QI, FLTS).
    private static bool FirstLevel(string preset) => UnitConfiguration.FindPreset(preset)!.ExtendedCapability is { SMTS: true, QI: true, FLTS: true };

    private static int DriverLevels(string preset)
    {
        int sagaw = UnitConfiguration.FindPreset(preset)!.Capability.SAGAW;
        for (int agaw = (57 - 30) / 9; agaw >= 0; agaw--)
        {
            if (((sagaw >> agaw) & 1) != 0)
            {
                return agaw + 2;
            }
        }

        throw new ArgumentException($"{preset} offers no AGAW", nameof(preset));
    }

    [Fact]
    public void Demo_UnknownPreset_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("demo", "--preset", "skylake"));
        Assert.Equal(
            "vtdemu: error: --preset: expected qemu|qemu-sm|qemu-sm-fl|qemu-sm-prs|broadwell|sapphire-rapids, found 'skylake'. Run 'vtdemu demo --help' for usage.",
            Assert.Single(_cli.ErrorLines));
    }

    [Fact]
    public void UnknownCommand_ExitsBadInput()
    {
        Assert.Equal(ExitCode.BadInput, _cli.Run("frobnicate"));
        Assert.Contains("'frobnicate'", _cli.Error, StringComparison.Ordinal);
    }
}
