using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace VtdEmu.Benchmarks;

/// <summary>
/// The shared benchmark configuration: the memory diagnoser is always on (the translate path must
/// show zero allocated bytes) and the median is always reported. The job comes from the command
/// line: BenchmarkDotNet's default job unless <c>--job short</c> asks for a quick run.
/// </summary>
internal static class Config
{
    public static IConfig Standard { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median);
}
