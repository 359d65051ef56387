using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// A recorded driver boot in the linux-boot layout (tests/data/linux-boot/README.md): every guest access
/// to one unit's registers (<c>mmio.trace</c>), the invalidation descriptors the unit processed
/// (<c>qi.trace</c>), register dumps at reset and at the end, the final guest memory image
/// (<c>mem-iommu.bin.zst</c>), the translations performed (<c>translations.trace</c>) and, when the
/// recording decoded it, the final interrupt-remapping table (<c>mem-decode.txt</c>).
/// </summary>
public sealed class LinuxBootRecording
{
    /// <summary>File names inside a recording's folder.</summary>
    public const string MmioTrace = "mmio.trace";

    /// <inheritdoc cref="MmioTrace"/>
    public const string QueueTrace = "qi.trace";

    /// <inheritdoc cref="MmioTrace"/>
    public const string ResetDump = "regs-reset.txt";

    /// <inheritdoc cref="MmioTrace"/>
    public const string FinalDump = "regs-final.txt";

    /// <inheritdoc cref="MmioTrace"/>
    public const string TranslationTrace = "translations.trace";

    /// <inheritdoc cref="MmioTrace"/>
    public const string MemoryImage = "mem-iommu.bin.zst";

    /// <inheritdoc cref="MmioTrace"/>
    public const string MemoryDecode = "mem-decode.txt";

    private LinuxBootRecording(
        string directory,
        IReadOnlyList<RecordedAccess> accesses,
        IReadOnlyList<RecordedDescriptor> descriptors,
        RegisterDump reset,
        RegisterDump final,
        IReadOnlyList<RecordedTranslation> translations,
        RecordedInterruptTable? interruptTable)
    {
        Directory = directory;
        Accesses = accesses;
        Descriptors = descriptors;
        ResetRegisters = reset;
        FinalRegisters = final;
        Translations = translations;
        InterruptTable = interruptTable;
    }

    /// <summary>The recording's folder.</summary>
    public string Directory { get; }

    /// <summary>mmio.trace, in order.</summary>
    public IReadOnlyList<RecordedAccess> Accesses { get; }

    /// <summary>qi.trace, in processing order.</summary>
    public IReadOnlyList<RecordedDescriptor> Descriptors { get; }

    /// <summary>regs-reset.txt.</summary>
    public RegisterDump ResetRegisters { get; }

    /// <summary>regs-final.txt.</summary>
    public RegisterDump FinalRegisters { get; }

    /// <summary>translations.trace.</summary>
    public IReadOnlyList<RecordedTranslation> Translations { get; }

    /// <summary>The final IRT as mem-decode.txt lists it; null when the recording has none.</summary>
    public RecordedInterruptTable? InterruptTable { get; }

    /// <summary>Path of the zstd-compressed memory image.</summary>
    public string MemoryImagePath => Path.Combine(Directory, MemoryImage);

    /// <summary>
    /// Reads a recording's text files. Every problem — a missing file, a line that does not parse, a
    /// descriptor tied to a line that is not an IQT write, out-of-order sequence numbers — is an error
    /// naming the file and line; nothing throws for bad input. The memory image is read by the replay.
    /// </summary>
    public static LinuxBootRecording? TryLoad(string directory, out ScenarioError? error)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            error = new ScenarioError(new SourceLocation(directory, 0), "not a folder");
            return null;
        }

        List<RecordedAccess>? accesses = ReadLines<RecordedAccess>(directory, MmioTrace, RecordedAccess.TryParse, out error);
        List<RecordedDescriptor>? descriptors = accesses is null ? null : ReadLines<RecordedDescriptor>(directory, QueueTrace, RecordedDescriptor.TryParse, out error);
        RegisterDump? reset = descriptors is null ? null : ReadDump(directory, ResetDump, out error);
        RegisterDump? final = reset is null ? null : ReadDump(directory, FinalDump, out error);
        List<RecordedTranslation>? translations = final is null ? null : ReadLines<RecordedTranslation>(directory, TranslationTrace, RecordedTranslation.TryParse, out error);
        if (translations is null)
        {
            return null;
        }

        RecordedInterruptTable? table = null;
        string decodePath = Path.Combine(directory, MemoryDecode);
        if (File.Exists(decodePath))
        {
            string[]? lines = RecordingText.ReadLines(decodePath, MemoryDecode, out error);
            table = lines is null ? null : RecordedInterruptTable.Parse(lines, MemoryDecode, out error);
            if (error is not null)
            {
                return null;
            }
        }

        error = CheckDescriptors(accesses!, descriptors!);
        return error is null ? new LinuxBootRecording(directory, accesses!, descriptors!, reset!, final!, translations, table) : null;
    }

    // Each descriptor belongs to an IQT write, in processing order.
    private static ScenarioError? CheckDescriptors(List<RecordedAccess> accesses, List<RecordedDescriptor> descriptors)
    {
        var iqtWrites = new HashSet<int>();
        foreach (RecordedAccess access in accesses)
        {
            if (access.IsWrite && access.Offset == (ulong)VtdRegister.IQT)
            {
                iqtWrites.Add(access.Line);
            }
        }

        for (int i = 0; i < descriptors.Count; i++)
        {
            RecordedDescriptor d = descriptors[i];
            if (!iqtWrites.Contains(d.MmioLine))
            {
                return new ScenarioError(new SourceLocation(QueueTrace, d.Line), $"MMIO_LINE {d.MmioLine} is not a write of IQT in {MmioTrace}");
            }

            if (i > 0 && (d.Sequence <= descriptors[i - 1].Sequence || d.MmioLine < descriptors[i - 1].MmioLine))
            {
                return new ScenarioError(new SourceLocation(QueueTrace, d.Line), "descriptors are not in processing order (SEQ and MMIO_LINE must not go back)");
            }
        }

        return null;
    }

    private delegate bool LineParser<T>(string text, string file, int line, out T value, out ScenarioError? error);

    private static List<T>? ReadLines<T>(string directory, string name, LineParser<T> parse, out ScenarioError? error)
    {
        string[]? lines = RecordingText.ReadLines(Path.Combine(directory, name), name, out error);
        if (lines is null)
        {
            return null;
        }

        var values = new List<T>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            if (parse(lines[i], name, i + 1, out T value, out error))
            {
                values.Add(value);
            }
            else if (error is not null)
            {
                return null;
            }
        }

        return values;
    }

    private static RegisterDump? ReadDump(string directory, string name, out ScenarioError? error)
    {
        string[]? lines = RecordingText.ReadLines(Path.Combine(directory, name), name, out error);
        return lines is null ? null : RegisterDump.Parse(lines, name, out error);
    }
}
