namespace VtdEmu.Workloads.Tests.Scenarios.Iommu;

/// <summary>Files of the repository the tests read in place (examples/, tests/vectors/).</summary>
internal static class RepoFiles
{
    /// <summary>The repository root: the first directory above the test binaries that holds examples/.</summary>
    public static string Root { get; } = FindRoot();

    public static string[] Examples() =>
        [.. Directory.GetFiles(Path.Combine(Root, "examples"), "*.iommu").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "examples")) && File.Exists(Path.Combine(dir.FullName, "VtdEmu.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (examples/ next to VtdEmu.sln) was not found above the test binaries");
    }
}
