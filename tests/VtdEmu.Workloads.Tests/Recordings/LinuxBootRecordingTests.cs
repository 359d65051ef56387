using CsCheck;
using VtdEmu.Workloads.Recordings;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Recordings;

/// <summary>Reading a recording's text files: every malformed input is an error with file, line and column, never an exception.</summary>
public sealed class LinuxBootRecordingTests : IDisposable
{
    private const string Dump = "00000000fed90000: 0x0000000000000010 0x00d2008c22260206\n00000000fed90010: 0x0000000000f00f4a 0x0000000000000000\n";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vtdemu-recording-{Guid.NewGuid():n}");

    public LinuxBootRecordingTests()
    {
        Directory.CreateDirectory(_dir);
        Write(LinuxBootRecording.MmioTrace, "R 0x8 8 0xd2008c22260206\nW 0x90 8 0x1000\nW 0x88 4 0x10\n");
        Write(LinuxBootRecording.QueueTrace, "1 3 0 wait 0x200000025 0x2000 - - qemu status_data=0x2\n");
        Write(LinuxBootRecording.ResetDump, Dump);
        Write(LinuxBootRecording.FinalDump, Dump);
        Write(LinuxBootRecording.TranslationTrace, "# none\n12 00:03.00 0x1000 0x5000 0xfff\n");
        Write(LinuxBootRecording.MemoryDecode, "Interrupt remapping table: IRTA=0x520000f base=0x5200000 65536 entries, 1 present:\n  irte[16] = 0x0000000000040028_000001000023000d vector=35 dst(63:32)=0x100 dm=1 tm=0 dlm=0 sid=0x28 sq=0 svt=1\n");
    }

    [Fact]
    public void TryLoad_WellFormed_ReadsEveryFile()
    {
        LinuxBootRecording recording = Load();

        Assert.Equal(3, recording.Accesses.Count);
        Assert.Equal(new RecordedAccess(3, true, 0x88, 4, 0x10), recording.Accesses[2]);
        Assert.Equal(new RecordedDescriptor(1, 1, 3, 0, "wait", 0x2_0000_0025, 0x2000, 0, 0), recording.Descriptors[0]);
        Assert.Equal(0xFED9_0000UL, recording.ResetRegisters.BaseAddress);
        Assert.True(recording.ResetRegisters.TryRead(0xC, 4, out ulong capHigh));
        Assert.Equal(0x00d2008cUL, capHigh);
        Assert.Equal(new RecordedTranslation(2, 12, 0x18, 0x1000, 0x5000, 0xFFF), Assert.Single(recording.Translations));
        RecordedIrte irte = Assert.Single(recording.InterruptTable!.Entries);
        Assert.Equal((16, 35, 0x28, true), (irte.Index, (int)irte.Vector, (int)irte.SID, irte.DM));
        Assert.Equal(65536, recording.InterruptTable.EntryCount);
    }

    public static TheoryData<string, string, int, int, string> Malformed => new()
    {
        { LinuxBootRecording.MmioTrace, "X 0x8 8 0x0", 1, 1, "expected R or W" },
        { LinuxBootRecording.MmioTrace, "R 0x8 5 0x0", 1, 7, "size 4 or 8" },
        { LinuxBootRecording.MmioTrace, "W 0x18 4 0x100000000", 1, 10, "4 bytes" },
        { LinuxBootRecording.MmioTrace, "R 0x8 8", 1, 1, "found 3 field(s)" },
        { LinuxBootRecording.QueueTrace, "1 x 0 wait 0x5 0x0 - - q", 1, 3, "MMIO_LINE" },
        { LinuxBootRecording.QueueTrace, "1 3 0 wait 0x5 zz - - q", 1, 16, "QW1" },
        { LinuxBootRecording.QueueTrace, "1 2 0 wait 0x5 0x0 - - q", 1, 0, "not a write of IQT" },
        { LinuxBootRecording.QueueTrace, "2 3 0 wait 0x5 0x0 - - q\n1 3 1 wait 0x5 0x0 - - q", 2, 0, "processing order" },
        { LinuxBootRecording.ResetDump, "00000000fed90000 0x0", 1, 1, "ADDRESS: WORD" },
        { LinuxBootRecording.ResetDump, "00000000fed90000: 0x10\n00000000fed90004: 0x0", 2, 1, "8-byte-aligned" },
        { LinuxBootRecording.FinalDump, "00000000fed90000: 0x10 0xq", 1, 24, "8-byte word" },
        { LinuxBootRecording.FinalDump, "", 0, 0, "no register words" },
        { LinuxBootRecording.TranslationTrace, "1 00:20.0 0x1000 0x2000 0xfff", 1, 3, "DEV" },
        { LinuxBootRecording.TranslationTrace, "1 00:03.0 0x1000 0x2000 0x1001", 1, 25, "page size" },
        { LinuxBootRecording.MemoryDecode, "Interrupt remapping table: IRTA=0x0 base=0x0 2 entries, 1 present:\n  irte[1] = 0x0_0x1 vector=1", 2, 3, "'dst(63:32)' is missing" },
        { LinuxBootRecording.MemoryDecode, "Interrupt remapping table: IRTA=0x0 base=0x0 2 entries, 2 present:", 1, 1, "2 present entries, 0 irte[] lines" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryLoad_MalformedLine_ErrorNamesFileLineAndColumn(string file, string content, int line, int column, string fragment)
    {
        Write(file, content);

        LinuxBootRecording? recording = LinuxBootRecording.TryLoad(_dir, out ScenarioError? error);

        Assert.Null(recording);
        Assert.NotNull(error);
        Assert.Equal(new SourceLocation(file, line, column), error.Location);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_MissingFileOrFolder_IsAnError()
    {
        File.Delete(Path.Combine(_dir, LinuxBootRecording.TranslationTrace));

        Assert.Null(LinuxBootRecording.TryLoad(_dir, out ScenarioError? missing));
        Assert.Null(LinuxBootRecording.TryLoad(Path.Combine(_dir, "nope"), out ScenarioError? noFolder));

        Assert.Equal(LinuxBootRecording.TranslationTrace, missing!.Location.File);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.Contains("not a folder", noFolder!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_NoInterruptTableSection_LoadsWithoutIt()
    {
        Write(LinuxBootRecording.MemoryDecode, "RTADDR = 0x0\n");

        Assert.Null(Load().InterruptTable);
    }

    [Fact]
    public void TryLoad_ArbitraryText_NeverThrows()
    {
        // Any text in any file: either a recording or an error, never an exception.
        string[] files = [LinuxBootRecording.MmioTrace, LinuxBootRecording.QueueTrace, LinuxBootRecording.ResetDump, LinuxBootRecording.TranslationTrace, LinuxBootRecording.MemoryDecode];
        Gen.Select(Gen.Int[0, files.Length - 1], Gen.String[Gen.Char["Rrw0x: .-_=[]irte0123456789abcdefIRTApresnt,\n"], 0, 200])
            .Sample((which, text) =>
            {
                Write(files[which], text);
                LinuxBootRecording? recording = LinuxBootRecording.TryLoad(_dir, out ScenarioError? error);
                Assert.True(recording is not null || error is not null);
            }, iter: 300, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    private LinuxBootRecording Load()
    {
        LinuxBootRecording? recording = LinuxBootRecording.TryLoad(_dir, out ScenarioError? error);
        Assert.True(recording is not null, error?.ToString());
        return recording;
    }
}
