using VtdEmu.Caches;
using VtdEmu.Workloads.Sweeps;

namespace VtdEmu.Workloads.Tests.Sweeps;

public sealed class SweepShardTests
{
    private static readonly SweepGrid Grid = new()
    {
        Windows = [4096, 1 << 20, 4 << 20],
        Patterns = [SweepPattern.Random, SweepPattern.Sequential, SweepPattern.Strided, SweepPattern.Zipf],
        IotlbEntries = [16, null],
        Dmas = 4096,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void N_shards_merged_equal_one_unsharded_run(int shards)
    {
        string whole = Csv(Grid.Points());
        string directory = Directory.CreateTempSubdirectory("vtdemu-shards").FullName;
        try
        {
            var files = new List<string>();
            for (int shard = shards; shard >= 1; shard--)
            {
                string file = Path.Combine(directory, $"shard-{shard}.csv");
                File.WriteAllText(file, Csv(SweepGrid.Shard(Grid.Points(), shard, shards)));
                files.Add(file);
            }

            Assert.Equal(whole, SweepMerge.Merge(files));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Shards_partition_the_grid()
    {
        IReadOnlyList<SweepPoint> points = Grid.Points();
        int[] seen = [.. Enumerable.Range(1, 4).SelectMany(shard => SweepGrid.Shard(points, shard, 4)).Select(p => p.Index).Order()];
        Assert.Equal(Enumerable.Range(0, points.Count), seen);
    }

    [Fact]
    public void A_point_gives_the_same_result_whatever_grid_it_runs_in()
    {
        SweepPoint alone = new SweepGrid { Windows = [1 << 20], Dmas = 4096 }.Points()[0];
        SweepPoint inGrid = Grid.Points().Single(p => p.WindowBytes == 1 << 20 && p.Pattern == SweepPattern.Random && p.IotlbEntries is null);

        Assert.Equal(alone.PointSeed, inGrid.PointSeed);
        Assert.Equal(SweepRunner.Run(alone).Walks, SweepRunner.Run(inGrid).Walks);
    }

    [Fact]
    public void A_different_seed_gives_different_accesses()
    {
        SweepPoint point = new SweepGrid { Windows = [1 << 20], Dmas = 4096 }.Points()[0];
        Assert.NotEqual(SweepRunner.Run(point).Walks, SweepRunner.Run(point with { Seed = 2 }).Walks);
    }

    [Fact]
    public void Merge_refuses_a_point_given_twice()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Csv(Grid.Points().Take(2).ToList()));
            SweepException e = Assert.Throws<SweepException>(() => SweepMerge.Merge([file, file]));
            Assert.Contains("point 0 appears twice", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Csv(IReadOnlyList<SweepPoint> points) =>
        string.Join('\n', [SweepTable.CsvHeader, .. SweepRunner.RunAll(points, 2).Select(r => SweepTable.CsvLine(SweepTable.Cells(r, new TranslationCacheOptions())))]) + "\n";
}
