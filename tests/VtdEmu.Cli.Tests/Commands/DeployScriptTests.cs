using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VtdEmu.Cli.Tests.Commands;

/// <summary>
/// The cluster recipes in deploy/ run as their schedulers would run them, minus the scheduler: the Slurm
/// script once per array task and the Kubernetes Job's shell once per completion index, each with the
/// environment its scheduler sets. Their shards, merged with <c>vtdemu sweep merge</c>, must equal the same
/// sweep run in one piece. (No Slurm, container engine or cluster exists on the build machines; this checks
/// everything in the recipes short of those.)
/// </summary>
public sealed partial class DeployScriptTests : IDisposable
{
    private const string SweepArguments =
        "--preset broadwell --pattern random --access-size 64 --direction read --page-size 4K,2M --windows 4K,64K,1M --dmas 2048";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void SlurmArray_ShardsMergeToTheUnshardedSweep()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the recipe is a bash script for Linux clusters
        }

        string script = Path.Combine(DeployDirectory, "slurm", "sweep.sbatch");
        string results = Path.Combine(_cli.Scratch, "results");
        for (int task = 1; task <= 3; task++)
        {
            var environment = new Dictionary<string, string>
            {
                ["SLURM_ARRAY_TASK_ID"] = task.ToString(),
                ["SLURM_ARRAY_TASK_COUNT"] = "3",
                ["SLURM_CPUS_PER_TASK"] = "1",
                ["RESULTS"] = results,
                ["VTDEMU"] = VtdemuCommand,
            };
            RunBash($"{Quote(script)} {SweepArguments}", environment);
        }

        Assert.Equal(Unsharded(SweepArguments), Merge(results, 3));
    }

    [Fact]
    public void KubernetesIndexedJob_ShardsMergeToTheUnshardedSweep()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string yaml = File.ReadAllText(Path.Combine(DeployDirectory, "kubernetes", "sweep-job.yaml"));
        Match block = ArgsBlock().Match(yaml);
        Assert.True(block.Success, "sweep-job.yaml: no 'args: - |' shell block");
        string shell = Regex.Replace(block.Groups["body"].Value, "(?m)^ {14}", "");

        // The pod's shell as written, pointed at a scratch directory and this build, with fewer DMAs per point.
        string results = Path.Combine(_cli.Scratch, "results");
        Directory.CreateDirectory(results);
        string local = shell.Replace("/results/", results + "/").Replace("vtdemu sweep", VtdemuCommand + " sweep");
        local = DmasOption().Replace(local, "--dmas 2048");
        string sweepArguments = SweepLine().Match(shell).Groups["args"].Value;
        for (int index = 0; index < 2; index++)
        {
            RunBash(local, new() { ["JOB_COMPLETION_INDEX"] = index.ToString(), ["SHARDS"] = "2" });
        }

        string unsharded = Unsharded(DmasOption().Replace(sweepArguments, "--dmas 2048").Replace("--jobs 2", "").Replace("--format csv", ""));
        Assert.Equal(unsharded, Merge(results, 2));
    }

    private static string DeployDirectory { get; } = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(CliHarness.VectorsDirectory))!, "deploy");

    // The CLI this test run built, as one executable file like an installed tool (the Slurm script splits
    // $VTDEMU into words without interpreting quotes, so a path with spaces needs the wrapper anyway).
    private string VtdemuCommand
    {
        get
        {
            string wrapper = Path.Combine(_cli.Scratch, "vtdemu");
            if (!File.Exists(wrapper) && !OperatingSystem.IsWindows())
            {
                string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
                File.WriteAllText(wrapper, $"#!/bin/sh\nexec {Quote(dotnet)} {Quote(Path.Combine(AppContext.BaseDirectory, "VtdEmu.Cli.dll"))} \"$@\"\n");
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return wrapper;
        }
    }

    private string Unsharded(string arguments)
    {
        string[] args = ["sweep", .. arguments.Split([' ', '\\', '\n'], StringSplitOptions.RemoveEmptyEntries), "--format", "csv"];
        using var cli = new CliHarness();
        Assert.True(cli.Run(args) == 0, cli.Error);
        return cli.Out;
    }

    private string Merge(string results, int shards)
    {
        string[] files = [.. Enumerable.Range(1, shards).Select(shard => Path.Combine(results, $"shard-{shard}.csv"))];
        Assert.All(files, file => Assert.True(File.Exists(file), $"{file} missing (the .part was not renamed)"));
        Assert.Empty(Directory.GetFiles(results, "*.part"));
        using var cli = new CliHarness();
        Assert.True(cli.Run(["sweep", "merge", .. files]) == 0, cli.Error);
        return cli.Out;
    }

    private static void RunBash(string command, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"'{command}' did not finish");
        Assert.True(process.ExitCode == 0, $"'{command}' exited {process.ExitCode}: {error}{output.Result}");
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"args:\s*\n\s*- \|\n(?<body>(?: {14}.*\n|\s*\n)+)")]
    private static partial Regex ArgsBlock();

    [GeneratedRegex(@"--dmas \d+")]
    private static partial Regex DmasOption();

    [GeneratedRegex(@"vtdemu sweep (?<args>(?:[^>]|\\\n)+?)--shard")]
    private static partial Regex SweepLine();
}
