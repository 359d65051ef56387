using VtdEmu.Workloads.Recordings;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Tests.Recordings;

/// <summary>
/// <see cref="MmioReplayer"/> on the shipped Linux boots. The expected counts come from the recordings
/// themselves (summary.json, mem-decode.txt) and, for the translations, from a walk of the final image
/// written independently of the model (320 still mapped, 181 unmapped since).
/// </summary>
public sealed class MmioReplayerTests
{
    [Fact]
    public void Replay_Legacy_EverythingMatches()
    {
        MmioReplayResult result = Replay("legacy");

        Assert.Empty(result.Mismatches);
        Assert.True(result.Passed);
        Assert.Equal(486, result.Accesses);
        Assert.Equal((18, 18), (result.Reads, result.ReadsMatched));
        Assert.Equal((902, 902, 902), (result.DescriptorsRecorded, result.DescriptorsProcessed, result.DescriptorsMatched));
        Assert.Equal(451, result.StatusWritesMatched);
        Assert.Equal(result.FinalRegisters.Compared, result.FinalRegisters.Matched);
        Assert.Equal(result.ResetRegisters.Compared, result.ResetRegisters.Matched);
        Assert.True(result.FinalRegisters.Compared >= 30);
        Assert.Equal((501, 320, 181), (result.Translations, result.TranslationsMatched, result.TranslationsUnmapped));
        Assert.True(result.HasInterruptRemapping);
        Assert.Equal((14, 14), (result.IrtesRecorded, result.IrtesMatched));
        Assert.Equal((14, 14), (result.InterruptsSent, result.InterruptsRemapped));
        Assert.False(result.Configuration!.Capability.CM);
    }

    [Fact]
    public void Replay_Scalable_OnlyTheDocumentedIqaDeparture()
    {
        MmioReplayResult result = Replay("scalable");

        ReplayMismatch only = Assert.Single(result.Mismatches);
        Assert.Equal(ReplayCheck.FinalRegister, only.Check);
        Assert.StartsWith("IQA", only.Subject, StringComparison.Ordinal);
        Assert.NotNull(only.Documented);
        Assert.Contains("§11.4.22", only.Documented.Section, StringComparison.Ordinal);
        Assert.True(result.Passed);
        Assert.Equal((487, 18, 18), (result.Accesses, result.Reads, result.ReadsMatched));
        Assert.Equal((904, 904, 904), (result.DescriptorsRecorded, result.DescriptorsProcessed, result.DescriptorsMatched));
        Assert.Equal((501, 320, 181), (result.Translations, result.TranslationsMatched, result.TranslationsUnmapped));
        Assert.Equal((14, 14), (result.IrtesMatched, result.InterruptsRemapped));
        Assert.True(result.Configuration!.ExtendedCapability.SMTS);
    }

    [Fact]
    public void Replay_CachingModeVariant_UnitHasCM_StillMatches()
    {
        // The legacy boot as a CM=1 unit would report it: CAP bit 7 in both dumps and in both CAP reads.
        using var copy = new RecordingCopy("legacy");
        foreach (string dump in new[] { LinuxBootRecording.ResetDump, LinuxBootRecording.FinalDump })
        {
            copy.ReplaceLineStartingWith(dump, "00000000fed90000:", l => l.Replace("0x00d2008c22260206", "0x00d2008c22260286", StringComparison.Ordinal));
        }

        copy.SetLine(LinuxBootRecording.MmioTrace, 1, "R 0x8 8 0xd2008c22260286");
        copy.SetLine(LinuxBootRecording.MmioTrace, 3, "R 0x8 8 0xd2008c22260286");

        MmioReplayResult result = MmioReplayer.Replay(copy.Load());

        Assert.True(result.Configuration!.Capability.CM);
        Assert.Empty(result.Mismatches);
        Assert.Equal(320, result.TranslationsMatched);
    }

    [Fact]
    public void Replay_EditedRecording_EachMismatchNamesItsLineAndSubject()
    {
        using var copy = new RecordingCopy("legacy");
        copy.SetLine(LinuxBootRecording.MmioTrace, 19, "R 0x1c 4 0x5000000");             // GSTS without IRES
        copy.SetLine(LinuxBootRecording.QueueTrace, 2, "2 17 2 wait 0x200000025 0x51ec804 - - qemu"); // placed one slot too far
        copy.ReplaceLineStartingWith(LinuxBootRecording.FinalDump, "00000000fed90020:", _ => "00000000fed90020: 0x0000000006a47000 0x0000000000000000");
        copy.SetLine(LinuxBootRecording.TranslationTrace, 1, "75 00:03.00 0xffffb000 0x6da7000 0xfff");
        int irte = copy.ReplaceLineStartingWith(LinuxBootRecording.MemoryDecode, "  irte[16]", l => l.Replace("vector=35", "vector=36", StringComparison.Ordinal));

        MmioReplayResult result = MmioReplayer.Replay(copy.Load());

        Assert.False(result.Passed);
        Assert.Contains(result.Mismatches, m => m is { Check: ReplayCheck.Read, Location.Line: 19 } && m.Subject.StartsWith("GSTS", StringComparison.Ordinal));
        Assert.Contains(result.Mismatches, m => m is { Check: ReplayCheck.Descriptor, Location.Line: 2 } && m.Subject == "wait");
        Assert.Contains(result.Mismatches, m => m.Check == ReplayCheck.FinalRegister && m.Subject.StartsWith("RTADDR", StringComparison.Ordinal));
        Assert.Contains(result.Mismatches, m => m is { Check: ReplayCheck.Translation, Location.Line: 1 });
        Assert.Contains(result.Mismatches, m => m.Check == ReplayCheck.InterruptEntry && m.Location.Line == irte && m.Message.Contains("vector", StringComparison.Ordinal));
        Assert.Contains(result.Mismatches, m => m.Check == ReplayCheck.Interrupt && m.Location.Line == irte);
        Assert.All(result.Mismatches, m => Assert.Null(m.Documented));
    }

    [Fact]
    public void Replay_DescriptorTheModelDoesNotProcess_ReportedWithQueueState()
    {
        // An undefined descriptor type in slot 0: the model stops with IQE instead of processing it.
        using var copy = new RecordingCopy("legacy");
        copy.SetLine(LinuxBootRecording.QueueTrace, 1, "1 17 0 iec 0xf 0x0 - - qemu");

        MmioReplayResult result = MmioReplayer.Replay(copy.Load());

        Assert.Contains(result.Mismatches, m => m is { Check: ReplayCheck.Descriptor, Location.Line: 1 } && m.Message.Contains("IQERCD", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_WithoutInterruptTableSection_SaysSoAndSkipsIt()
    {
        using var copy = new RecordingCopy("legacy");
        File.Delete(copy.PathOf(LinuxBootRecording.MemoryDecode));

        MmioReplayResult result = MmioReplayer.Replay(copy.Load());

        Assert.False(result.HasInterruptRemapping);
        Assert.Equal(0, result.InterruptsSent);
        Assert.True(result.Passed);
    }

    [Fact]
    public void Replay_CorruptOrMissingImage_IsASetupMismatch_NotAnException()
    {
        using var copy = new RecordingCopy("legacy");
        File.WriteAllBytes(copy.PathOf(LinuxBootRecording.MemoryImage), [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x01, 0x02]);

        MmioReplayResult corrupt = MmioReplayer.Replay(copy.Load());

        File.Delete(copy.PathOf(LinuxBootRecording.MemoryImage));
        MmioReplayResult missing = MmioReplayer.Replay(copy.Load());

        Assert.Contains(corrupt.Mismatches, m => m.Check == ReplayCheck.Setup && m.Location.File == LinuxBootRecording.MemoryImage);
        Assert.Contains(missing.Mismatches, m => m.Check == ReplayCheck.Setup && m.Location.File == LinuxBootRecording.MemoryImage);
        Assert.Equal(0, corrupt.Translations);
    }

    [Fact]
    public void Replay_DamagedImage_NeverThrows()
    {
        using var copy = new RecordingCopy("legacy");
        string path = copy.PathOf(LinuxBootRecording.MemoryImage);
        byte[] image = File.ReadAllBytes(path);
        var random = new Random(7);
        byte[][] damaged =
        [
            image[..(image.Length / 2)],                                   // truncated
            [.. image[..64], .. Enumerable.Range(0, 4096).Select(_ => (byte)random.Next(256))], // garbage after the header
            Flip(image, image.Length / 3),
            Flip(image, 5),                                                // frame header
        ];

        foreach (byte[] bytes in damaged)
        {
            File.WriteAllBytes(path, bytes);
            MmioReplayResult result = MmioReplayer.Replay(copy.Load());
            Assert.Equal(486, result.Accesses);
        }

        static byte[] Flip(byte[] source, int at)
        {
            byte[] copy = (byte[])source.Clone();
            copy[at] ^= 0x5A;
            return copy;
        }
    }

    [Fact]
    public void Replay_UnusableCapability_IsASetupMismatch()
    {
        using var copy = new RecordingCopy("legacy");
        copy.ReplaceLineStartingWith(LinuxBootRecording.ResetDump, "00000000fed90000:", _ => "00000000fed90000: 0x0000000000000010 0x00d2008c00260206");

        MmioReplayResult result = MmioReplayer.Replay(copy.Load());

        ReplayMismatch only = Assert.Single(result.Mismatches);
        Assert.Equal(ReplayCheck.Setup, only.Check);
        Assert.Contains("FRO", only.Message, StringComparison.Ordinal);
        Assert.Equal(0, result.Accesses);
    }

    private static MmioReplayResult Replay(string name)
    {
        LinuxBootRecording? recording = LinuxBootRecording.TryLoad(RecordingCopy.Shipped(name), out ScenarioError? error);
        Assert.True(recording is not null, error?.ToString());
        return MmioReplayer.Replay(recording);
    }
}
