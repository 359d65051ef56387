using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace VtdEmu.Benchmarks;

/// <summary>
/// Shared benchmark configurations. Every benchmark runs with the memory diagnoser: the translate
/// path must show zero allocated bytes. <c>--job short</c> on the command line gives a quick smoke run.
/// </summary>
internal static class Config
{
    /// <summary>The default: BenchmarkDotNet's standard job, with allocation counts.</summary>
    public static IConfig Standard { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddJob(Job.Default);

    /// <summary>A quick run for CI smoke checks and README refreshes on a busy machine.</summary>
    public static IConfig Short { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddJob(Job.ShortRun);
}
