using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
using ZstdSharp;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// Replays a <see cref="LinuxBootRecording"/> against the hardware model (spec-notes/replay-mmio.md):
/// a unit built from the recording's VER/CAP/ECAP (regs-reset.txt), checked register by register at
/// reset; every access of mmio.trace in order, with the descriptors of qi.trace placed in the queue
/// before the IQT write that made the unit process them, every read compared and every processed
/// descriptor compared with the recorded one; the final registers compared with regs-final.txt; then
/// the final memory image loaded, every recorded translation re-run against the final tables, and
/// the final interrupt-remapping table and an MSI per recorded IRTE checked (<see cref="MmioReplayer"/>'s
/// Interrupts part). Everything the model does differently is a <see cref="ReplayMismatch"/>; nothing
/// throws for a bad recording.
/// </summary>
public sealed partial class MmioReplayer : IInvalidationObserver
{
    /// <summary>Guest RAM modelled for a recording: from 0 up to this size (capped at 2^HAW); the image must fit.</summary>
    public const ulong MaxRamBytes = 16UL << 30;

    private readonly LinuxBootRecording _recording;
    private readonly MmioReplayResult _result = new();
    private readonly List<(int Offset, InvalidationDescriptor Descriptor)> _processed = [];
    private IReadOnlyList<RegisterSlot> _slots = [];
    private GuestMemory _memory = null!;
    private RemappingUnit _unit = null!;

    private MmioReplayer(LinuxBootRecording recording) => _recording = recording;

    /// <summary>Known departures of the recorded hardware from the spec; a mismatch they explain is reported but passes.</summary>
    public static IReadOnlyList<RecordedHardwareDeviation> KnownDeviations { get; } =
    [
        // QEMU 7.2 drops IQA.DW from the register (it keeps the width aside), so IQA reads back with DW = 0
        // while 256-bit descriptors are processed; the spec makes DW read-write with ECAP.SMTS.
        new("IQA", 1UL << 11, "VT-d spec §11.4.22 (IQA_REG.DW, RW when ECAP.SMTS = 1)", "spec-notes/replay-mmio.md §5"),
    ];

    /// <summary>Replays <paramref name="recording"/>; <paramref name="hostAddressWidth"/> overrides the HAW (default CAP.MGAW + 1).</summary>
    public static MmioReplayResult Replay(LinuxBootRecording recording, int? hostAddressWidth = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var replayer = new MmioReplayer(recording);
        replayer.Run(hostAddressWidth);
        return replayer._result;
    }

    /// <inheritdoc />
    void IInvalidationObserver.OnDescriptor(int queueOffset, in InvalidationDescriptor descriptor) => _processed.Add((queueOffset, descriptor));

    private void Run(int? hostAddressWidth)
    {
        if (!TryBuildUnit(hostAddressWidth))
        {
            return;
        }

        CompareRegisters(_recording.ResetRegisters, LinuxBootRecording.ResetDump, ReplayCheck.ResetRegister, out int resetCompared, out int resetMatched);
        _result.ResetRegisters = (resetCompared, resetMatched);
        ReplayAccesses();
        CompareRegisters(_recording.FinalRegisters, LinuxBootRecording.FinalDump, ReplayCheck.FinalRegister, out int finalCompared, out int finalMatched);
        _result.FinalRegisters = (finalCompared, finalMatched);

        // The tables are only known as they were at the end: load them, then check what they should still do.
        if (LoadImage())
        {
            CheckTranslations();
            CheckInterruptRemapping();
        }
    }

    private bool TryBuildUnit(int? hostAddressWidth)
    {
        RegisterDump reset = _recording.ResetRegisters;
        if (!reset.TryRead((int)VtdRegister.VER, 4, out ulong version) || !reset.TryRead((int)VtdRegister.CAP, 8, out ulong cap)
            || !reset.TryRead((int)VtdRegister.ECAP, 8, out ulong ecap))
        {
            Fail(ReplayCheck.Setup, new SourceLocation(LinuxBootRecording.ResetDump, 0), "VER/CAP/ECAP", "the dump does not hold offsets 0x00-0x17");
            return false;
        }

        if (!UnitConfiguration.TryFromRegisters(cap, ecap, (byte)version, hostAddressWidth, compressSameSourceFaults: false, "recorded", out UnitConfiguration? configuration, out string error))
        {
            Fail(ReplayCheck.Setup, new SourceLocation(LinuxBootRecording.ResetDump, 0), "CAP/ECAP", error);
            return false;
        }

        _result.Configuration = configuration;
        ulong ram = Math.Min(MaxRamBytes, 1UL << configuration.HostAddressWidth);
        _memory = new GuestMemory(new MemoryRange(0, ram));
        _unit = new RemappingUnit(_memory, configuration) { InvalidationObserver = this };
        _slots = RegisterSlot.ListFor(configuration);
        return true;
    }

    private void ReplayAccesses()
    {
        var byLine = _recording.Descriptors.ToLookup(d => d.MmioLine);
        _result.DescriptorsRecorded = _recording.Descriptors.Count;
        foreach (RecordedAccess access in _recording.Accesses)
        {
            _result.Accesses++;
            if (!access.IsWrite)
            {
                _result.Reads++;
                ulong model = _unit.Read(access.Offset, access.Size);
                if (Compare(ReplayCheck.Read, new SourceLocation(LinuxBootRecording.MmioTrace, access.Line), (int)access.Offset, access.Size, access.Value, model))
                {
                    _result.ReadsMatched++;
                }

                continue;
            }

            RecordedDescriptor[] queued = [.. byLine[access.Line]];
            QueueGeometry queue = CurrentQueue();
            foreach (RecordedDescriptor descriptor in queued)
            {
                Place(descriptor, queue);
            }

            _processed.Clear();
            _unit.Write(access.Offset, access.Size, access.Value);
            _result.DescriptorsProcessed += _processed.Count;
            if (queued.Length > 0 || _processed.Count > 0)
            {
                CompareProcessed(access, queued, queue);
            }
        }
    }

    // IQA as the unit holds it now: base 63:12, DW 11, QS 2:0 (VT-d spec §11.4.22).
    private QueueGeometry CurrentQueue()
    {
        ulong iqa = _unit.Read((ulong)VtdRegister.IQA, 8);
        bool wide = (iqa & (1UL << 11)) != 0;
        return new QueueGeometry(iqa & ~0xFFFUL, wide ? 32 : 16, GuestMemory.PageSize << (int)(iqa & 7));
    }

    private void Place(in RecordedDescriptor descriptor, QueueGeometry queue)
    {
        var location = new SourceLocation(LinuxBootRecording.QueueTrace, descriptor.Line);
        long offset = (long)descriptor.Slot * queue.DescriptorBytes;
        if (offset + queue.DescriptorBytes > queue.Bytes)
        {
            Fail(ReplayCheck.Descriptor, location, descriptor.Type, $"slot {descriptor.Slot} lies beyond the {queue.Bytes}-byte queue IQA describes");
            return;
        }

        ulong at = queue.Base + (ulong)offset;
        bool placed = _memory.TryWrite64(at, descriptor.Qw0) && _memory.TryWrite64(at + 8, descriptor.Qw1)
            && (queue.DescriptorBytes == 16 || (_memory.TryWrite64(at + 16, descriptor.Qw2) && _memory.TryWrite64(at + 24, descriptor.Qw3)));
        if (!placed)
        {
            Fail(ReplayCheck.Descriptor, location, descriptor.Type, $"the queue slot at 0x{at:x} is outside the modelled RAM");
        }
    }

    // The model must process exactly the recorded descriptors of this IQT write, slot for slot.
    private void CompareProcessed(in RecordedAccess access, RecordedDescriptor[] recorded, QueueGeometry queue)
    {
        int count = Math.Max(recorded.Length, _processed.Count);
        for (int i = 0; i < count; i++)
        {
            if (i >= _processed.Count)
            {
                RecordedDescriptor missing = recorded[i];
                Fail(ReplayCheck.Descriptor, new SourceLocation(LinuxBootRecording.QueueTrace, missing.Line), missing.Type,
                    $"not processed by the model (IQH 0x{_unit.Read((ulong)VtdRegister.IQH, 8):x}, FSTS 0x{_unit.Read((ulong)VtdRegister.FSTS, 4):x}, IQERCD 0x{_unit.Read((ulong)VtdRegister.IQERCD, 8):x})");
                continue;
            }

            (int offset, InvalidationDescriptor model) = _processed[i];
            if (i >= recorded.Length)
            {
                Fail(ReplayCheck.Descriptor, new SourceLocation(LinuxBootRecording.MmioTrace, access.Line), "IQT",
                    $"the model processed a descriptor the recording does not list: slot {offset / queue.DescriptorBytes}, {Words(model.Qw0, model.Qw1, model.Qw2, model.Qw3)}");
                continue;
            }

            RecordedDescriptor expected = recorded[i];
            bool wide = queue.DescriptorBytes == 32;
            bool same = offset == expected.Slot * queue.DescriptorBytes && model.Qw0 == expected.Qw0 && model.Qw1 == expected.Qw1
                && (!wide || (model.Qw2 == expected.Qw2 && model.Qw3 == expected.Qw3));
            if (!same)
            {
                Fail(ReplayCheck.Descriptor, new SourceLocation(LinuxBootRecording.QueueTrace, expected.Line), expected.Type,
                    $"recorded slot {expected.Slot} {Words(expected.Qw0, expected.Qw1, expected.Qw2, expected.Qw3)}, model slot {offset / queue.DescriptorBytes} {Words(model.Qw0, model.Qw1, model.Qw2, model.Qw3)}");
                continue;
            }

            _result.DescriptorsMatched++;
            if (model.DescriptorType == InvalidationDescriptorType.InvalidationWait && (model.Qw0 & (1UL << 5)) != 0)
            {
                CheckStatusWrite(expected, model);
            }
        }
    }

    // inv_wait with SW (VT-d spec §6.5.2, invalidation wait descriptor): the status data (QW0 63:32) lands at the status address (QW1 63:2).
    private void CheckStatusWrite(in RecordedDescriptor recorded, in InvalidationDescriptor wait)
    {
        ulong address = wait.Qw1 & ~3UL;
        uint data = (uint)(wait.Qw0 >> 32);
        if (_memory.TryRead32(address, out uint written) && written == data)
        {
            _result.StatusWritesMatched++;
            return;
        }

        Fail(ReplayCheck.Descriptor, new SourceLocation(LinuxBootRecording.QueueTrace, recorded.Line), recorded.Type,
            $"the status write of 0x{data:x} to 0x{address:x} did not happen (memory holds 0x{written:x})");
    }

    private void CompareRegisters(RegisterDump dump, string file, ReplayCheck check, out int compared, out int matched)
    {
        compared = 0;
        matched = 0;
        foreach (RegisterSlot slot in _slots)
        {
            if (!dump.TryRead(slot.Offset, slot.Width, out ulong recorded))
            {
                continue;
            }

            compared++;
            ulong model = _unit.Read((ulong)slot.Offset, slot.Width);
            if (Compare(check, new SourceLocation(file, 0), slot.Offset, slot.Width, recorded, model))
            {
                matched++;
            }
        }
    }

    private bool Compare(ReplayCheck check, SourceLocation location, int offset, int size, ulong recorded, ulong model)
    {
        if (recorded == model)
        {
            return true;
        }

        string register = RegisterName(offset);
        RecordedHardwareDeviation? known = KnownDeviations.FirstOrDefault(d => d.Explains(register, recorded, model));
        string width = size == 4 ? "x8" : "x16";
        _result.Mismatches.Add(new ReplayMismatch(
            check,
            location,
            $"{register} (0x{offset:x3}/{size})",
            $"recorded 0x{recorded.ToString(width, null)}, model 0x{model.ToString(width, null)} (bits 0x{(recorded ^ model).ToString(width, null)} differ)",
            known));
        return false;
    }

    private bool LoadImage()
    {
        string path = _recording.MemoryImagePath;
        var location = new SourceLocation(LinuxBootRecording.MemoryImage, 0);
        try
        {
            using FileStream file = File.OpenRead(path);
            using var image = new DecompressionStream(file);
            if (!_memory.TryLoadImage(0, image, out long loaded))
            {
                Fail(ReplayCheck.Setup, location, "image", $"larger than the {_memory.Ram[0].Size >> 20} MiB of RAM modelled (stopped after {loaded:#,0} bytes)");
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ZstdException or InvalidDataException or NotSupportedException)
        {
            Fail(ReplayCheck.Setup, location, "image", $"cannot read the zstd image: {e.Message}");
            return false;
        }
    }

    private string RegisterName(int offset)
    {
        foreach (RegisterSlot slot in _slots)
        {
            if (offset >= slot.Offset && offset < slot.Offset + slot.Width)
            {
                return offset == slot.Offset ? slot.Name : $"{slot.Name}+{offset - slot.Offset}";
            }
        }

        return "reserved";
    }

    private void Fail(ReplayCheck check, SourceLocation location, string subject, string message) =>
        _result.Mismatches.Add(new ReplayMismatch(check, location, subject, message));

    private static string Words(ulong qw0, ulong qw1, ulong qw2, ulong qw3) => $"0x{qw0:x} 0x{qw1:x} 0x{qw2:x} 0x{qw3:x}";

    private readonly record struct QueueGeometry(ulong Base, int DescriptorBytes, int Bytes);
}
