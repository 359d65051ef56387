using BenchmarkDotNet.Running;

namespace VtdEmu.Benchmarks;

internal static class Program
{
    // Usage: dotnet run -c Release --project benchmarks/VtdEmu.Benchmarks -- --filter '*Walker*'
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, Config.Standard);
}
