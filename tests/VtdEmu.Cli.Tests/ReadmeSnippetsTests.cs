using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VtdEmu.Cli.Tests;

/// <summary>
/// Every <c>```csharp</c> block of the repository README compiles against the project's assemblies, so a
/// snippet a new user copies cannot rot. A block that starts with <c>using</c> lines begins a new program; a
/// block without them continues the previous one (as the README's prose reads).
/// </summary>
public sealed partial class ReadmeSnippetsTests
{
    public static TheoryData<int, string> Programs()
    {
        var data = new TheoryData<int, string>();
        string[] lines = File.ReadAllLines(ReadmePath);
        string? program = null;
        int programLine = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int start = i + 1;
            int end = Array.FindIndex(lines, start, l => l.Trim() == "```");
            string block = string.Join('\n', lines[start..end]);
            if (block.TrimStart().StartsWith("using ", StringComparison.Ordinal) || program is null)
            {
                if (program is not null)
                {
                    data.Add(programLine, program);
                }

                program = block;
                programLine = start + 1;
            }
            else
            {
                program += "\n" + block;
            }

            i = end;
        }

        if (program is not null)
        {
            data.Add(programLine, program);
        }

        return data;
    }

    [Fact]
    public void Readme_HasCSharpBlocks()
    {
        Assert.True(Programs().Count >= 2);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void ReadmeSnippet_Compiles(int line, string program)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            $"ReadmeSnippet{line}",
            [CSharpSyntaxTree.ParseText(program, new CSharpParseOptions(LanguageVersion.Latest), path: $"README.md:{line}")],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        string[] errors = [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"README.md:{line + d.Location.GetLineSpan().StartLinePosition.Line}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
        Assert.True(errors.Length == 0, string.Join('\n', errors));
    }

    private static string ReadmePath
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "README.md");
                if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "VtdEmu.sln")))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("README.md not found above the test binaries");
        }
    }

    // The runtime's own assemblies plus every VtdEmu assembly next to the tests.
    private static List<MetadataReference> References()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return [.. trusted.Split(Path.PathSeparator)
            .Where(path => VtdEmuAssembly().IsMatch(Path.GetFileName(path)) || path.Contains("Microsoft.NETCore.App", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path))];
    }

    [GeneratedRegex(@"^VtdEmu(\.(Iommu|Workloads|X86))?\.dll$")]
    private static partial Regex VtdEmuAssembly();
}
