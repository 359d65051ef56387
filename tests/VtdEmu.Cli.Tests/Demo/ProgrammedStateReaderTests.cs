using CsCheck;
using VtdEmu.Cli.Demo;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Cli.Tests.Demo;

public sealed class ProgrammedStateReaderTests
{
    private const ulong RootTable = 0x10_0000;
    private const ulong ContextTable = 0x10_1000;
    private const ulong Level3 = 0x10_2000;
    private const ulong Level2 = 0x10_3000;
    private const ulong Level1 = 0x10_4000;

    [Fact]
    public void Read_HandWrittenTables_ShowsEntriesAndCoalescedRuns()
    {
        Platform platform = ThreeLevelDomain(did: 7, devfn: 0xFA);
        WriteLeaf(platform, 0, 0x50_0000, read: true, write: true);
        WriteLeaf(platform, 1, 0x50_1000, read: true, write: true);
        WriteLeaf(platform, 2, 0x50_2000, read: true, write: false);  // contiguous, but other rights: a new run
        WriteLeaf(platform, 4, 0x50_3000, read: true, write: false);  // IOVA gap: a new run
        platform.Unit.Write((ulong)VtdRegister.RTADDR, 8, RootTable);

        IReadOnlyList<(string Structure, string Detail)> rows = ProgrammedStateReader.Read(platform.Unit, platform.Memory);

        Assert.Contains(("RTADDR", $"0x{RootTable:x} (TTM=0: legacy)"), rows);
        Assert.Contains(("root[bus 00]", $"P=1 CTP=0x{ContextTable:x}"), rows);
        Assert.Contains(("context[00:1f.2]", $"P=1 DID=7 TT=UntranslatedOnly AW=39-bit SLPTPTR=0x{Level3:x}"), rows);
        Assert.Contains(("DID 7 map", "iova 0x0-0x1fff -> 0x500000 RW (2 x 4 KiB)"), rows);
        Assert.Contains(("DID 7 map", "iova 0x2000-0x2fff -> 0x502000 R- (1 x 4 KiB)"), rows);
        Assert.Contains(("DID 7 map", "iova 0x4000-0x4fff -> 0x503000 R- (1 x 4 KiB)"), rows);
        Assert.Contains(("second-level tables", "3 table pages below 1 domain root"), rows);
    }

    [Fact]
    public void Read_NothingProgrammed_ReportsNoDomains()
    {
        var platform = new Platform(UnitConfiguration.Qemu);

        IReadOnlyList<(string Structure, string Detail)> rows = ProgrammedStateReader.Read(platform.Unit, platform.Memory);

        Assert.Contains(("second-level tables", "0 table pages below 0 domain roots"), rows);
        Assert.DoesNotContain(rows, r => r.Structure.StartsWith("context", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_AnyLeafSet_RunsCoverExactlyTheMappedPages()
    {
        // Random leaves in one level-1 table, each page mapped 1:1 with random rights: the runs together cover
        // every mapped page once, and a run breaks exactly where the next page is unmapped or has other rights.
        Gen.Int[0, 3].Array[512].Sample(rights =>
        {
            Platform platform = ThreeLevelDomain(did: 2, devfn: 0);
            int expectedRuns = 0;
            int mapped = 0;
            for (int i = 0; i < rights.Length; i++)
            {
                if (rights[i] == 0)
                {
                    continue;
                }

                WriteLeaf(platform, i, (ulong)i * 4096, read: (rights[i] & 1) != 0, write: (rights[i] & 2) != 0);
                mapped++;
                expectedRuns += i == 0 || rights[i - 1] != rights[i] ? 1 : 0;
            }

            platform.Unit.Write((ulong)VtdRegister.RTADDR, 8, RootTable);

            int runs = 0;
            ulong bytes = 0;
            foreach ((string structure, string detail) in ProgrammedStateReader.Read(platform.Unit, platform.Memory))
            {
                if (structure == "DID 2 map")
                {
                    runs++;
                    bytes += ulong.Parse(detail[(detail.IndexOf('(', StringComparison.Ordinal) + 1)..detail.IndexOf(' ', detail.IndexOf('(', StringComparison.Ordinal))], System.Globalization.CultureInfo.InvariantCulture) * 4096;
                }
            }

            Assert.Equal(expectedRuns, runs);
            Assert.Equal((ulong)mapped * 4096, bytes);
        }, iter: 50);
    }

    // Root → context (bus 0, devfn) → a 3-level domain with one level-2 and one level-1 table covering IOVA 0–2 MiB.
    private static Platform ThreeLevelDomain(ushort did, int devfn)
    {
        var platform = new Platform(UnitConfiguration.Qemu);
        Write(platform, RootTable, RootEntry.Create(ContextTable).Low, RootEntry.Create(ContextTable).High);
        ContextEntry context = ContextEntry.Create(did, TranslationType.UntranslatedOnly, Level3, aw: 1);
        Write(platform, ContextTable + ((ulong)devfn * ContextEntry.Size), context.Low, context.High);
        platform.Memory.TryWrite64(Level3, SecondLevelPageTableEntry.Create(Level2, read: true, write: true).Raw);
        platform.Memory.TryWrite64(Level2, SecondLevelPageTableEntry.Create(Level1, read: true, write: true).Raw);
        return platform;
    }

    private static void WriteLeaf(Platform platform, int index, ulong output, bool read, bool write) =>
        platform.Memory.TryWrite64(Level1 + ((ulong)index * 8), SecondLevelPageTableEntry.Create(output, read, write).Raw);

    private static void Write(Platform platform, ulong address, ulong low, ulong high)
    {
        platform.Memory.TryWrite64(address, low);
        platform.Memory.TryWrite64(address + 8, high);
    }
}
