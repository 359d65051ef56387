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

    [Theory]
    [InlineData("point,preset\n0,a\n2,b\n1,c\n", "x.csv:4: point 1 after point 2")]
    [InlineData("point,preset\n0,a\nseven,b\n", "x.csv:3: expected a point number")]
    [InlineData("point,preset\n0,a\n0,b\n", "x.csv:3: point 0 appears twice")]
    public void Merge_names_the_file_and_line_of_a_bad_row(string text, string expected)
    {
        string directory = Directory.CreateTempSubdirectory("vtdemu-merge").FullName;
        try
        {
            string file = Path.Combine(directory, "x.csv");
            File.WriteAllText(file, text);
            SweepException e = Assert.Throws<SweepException>(() => SweepMerge.Merge([file]));
            Assert.Contains(expected, e.Message.Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Merge_refuses_an_overlong_line_without_reading_it_whole()
    {
        string directory = Directory.CreateTempSubdirectory("vtdemu-merge").FullName;
        try
        {
            // A 64 MiB "row" with no newline: refused at the limit, not held in memory.
            string file = Path.Combine(directory, "huge.csv");
            using (var writer = new StreamWriter(file))
            {
                writer.Write("point,preset\n0,");
                var chunk = new string('x', 1 << 20);
                for (int i = 0; i < 64; i++)
                {
                    writer.Write(chunk);
                }
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            SweepException e = Assert.Throws<SweepException>(() => SweepMerge.Merge([file]));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains($"huge.csv:2: line longer than {SweepMerge.MaxLineLength} characters", e.Message, StringComparison.Ordinal);
            Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Merge_writes_nothing_when_a_later_file_is_bad()
    {
        string directory = Directory.CreateTempSubdirectory("vtdemu-merge").FullName;
        try
        {
            string good = Path.Combine(directory, "a.csv");
            string bad = Path.Combine(directory, "b.csv");
            File.WriteAllText(good, "point,preset\n0,a\n2,a\n");
            File.WriteAllText(bad, "point,preset\n1,b\n2,b\n");
            var output = new StringWriter();
            Assert.Throws<SweepException>(() => SweepMerge.Merge([good, bad], output));
            Assert.Equal("", output.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Csv(IReadOnlyList<SweepPoint> points) =>
        string.Join('\n', [SweepTable.CsvHeader, .. SweepRunner.RunAll(points, 2).Select(r => SweepTable.CsvLine(SweepTable.Cells(r, new TranslationCacheOptions())))]) + "\n";
}
