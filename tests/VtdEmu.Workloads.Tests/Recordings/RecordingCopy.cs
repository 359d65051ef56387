using VtdEmu.Workloads.Recordings;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Recordings;

/// <summary>
/// A scratch copy of a shipped recording (tests/data/linux-boot/NAME) that a test may edit line by line,
/// deleted on dispose.
/// </summary>
internal sealed class RecordingCopy : IDisposable
{
    public RecordingCopy(string name)
    {
        Directory.CreateDirectory(Path);
        foreach (string file in System.IO.Directory.GetFiles(Shipped(name)))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
            File.SetAttributes(System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)), FileAttributes.Normal);
        }
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vtdemu-recording-{Guid.NewGuid():n}");

    /// <summary>tests/data/linux-boot/<paramref name="name"/> in the source tree, found by walking up from the test binaries.</summary>
    public static string Shipped(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "data", "linux-boot", name);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/data/linux-boot/{name} not found above the test binaries");
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Replaces 1-based line <paramref name="line"/> of <paramref name="name"/>.</summary>
    public void SetLine(string name, int line, string text)
    {
        string[] lines = File.ReadAllLines(PathOf(name));
        lines[line - 1] = text;
        File.WriteAllLines(PathOf(name), lines);
    }

    /// <summary>Replaces the first line of <paramref name="name"/> that starts with <paramref name="prefix"/>; returns its 1-based number.</summary>
    public int ReplaceLineStartingWith(string name, string prefix, Func<string, string> edit)
    {
        string[] lines = File.ReadAllLines(PathOf(name));
        int index = Array.FindIndex(lines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(index >= 0, $"{name} has no line starting with '{prefix}'");
        lines[index] = edit(lines[index]);
        File.WriteAllLines(PathOf(name), lines);
        return index + 1;
    }

    public LinuxBootRecording Load()
    {
        LinuxBootRecording? recording = LinuxBootRecording.TryLoad(Path, out ScenarioError? error);
        Assert.True(recording is not null, error?.ToString());
        return recording;
    }

    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
