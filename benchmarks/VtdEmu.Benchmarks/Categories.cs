namespace VtdEmu.Benchmarks;

/// <summary>Benchmark categories, for <c>--anyCategories</c> filtering (dotnet/performance).</summary>
internal static class Categories
{
    public const string Registers = "Registers";
    public const string Translation = "Translation";
    public const string Caches = "Caches";
    public const string Invalidation = "Invalidation";
    public const string X86 = "X86";
    public const string Memory = "Memory";
    public const string Traces = "Traces";
}
