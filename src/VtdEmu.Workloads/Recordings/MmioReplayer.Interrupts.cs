using VtdEmu.Interrupts;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

public sealed partial class MmioReplayer
{
    /// <summary>Largest IRT a check scans (2^16 entries, IRTA.S = 15, VT-d spec §11.4.29).</summary>
    private const int MaxIrtEntries = 1 << 16;

    // The final IRT (VT-d spec §9.10) against the IRTEs the recording lists, then one MSI per entry
    // from the device its SID names (spec-notes/replay-mmio.md §4).
    private void CheckInterruptRemapping()
    {
        if (_recording.InterruptTable is not { } recorded)
        {
            return;
        }

        _result.HasInterruptRemapping = true;
        _result.IrtesRecorded = recorded.Entries.Count;
        var header = new SourceLocation(LinuxBootRecording.MemoryDecode, recorded.Line);
        ulong irta = _unit.Read((ulong)VtdRegister.IRTA, 8);
        bool x2Apic = (irta & (1UL << 11)) != 0;
        int entries = Math.Min(2 << (int)(irta & 0xF), MaxIrtEntries);
        if (irta != recorded.Irta || entries != recorded.EntryCount)
        {
            Fail(ReplayCheck.InterruptEntry, header, "IRTA", $"recorded 0x{recorded.Irta:x} ({recorded.EntryCount} entries), model 0x{irta:x} ({entries} entries)");
        }

        var byIndex = recorded.Entries.ToDictionary(e => e.Index);
        ulong tableBase = irta & ~0xFFFUL;
        for (int index = 0; index < entries; index++)
        {
            ulong at = tableBase + ((ulong)index * InterruptRemapEntry.Size);
            if (!_memory.TryRead64(at, out ulong low) || !_memory.TryRead64(at + 8, out ulong high))
            {
                Fail(ReplayCheck.InterruptEntry, header, $"IRTE {index}", $"the entry at 0x{at:x} is outside the modelled RAM");
                return;
            }

            var irte = new InterruptRemapEntry(low, high);
            bool listed = byIndex.Remove(index, out RecordedIrte expected);
            if (!irte.Present && !listed)
            {
                continue;
            }

            if (!listed)
            {
                Fail(ReplayCheck.InterruptEntry, header, $"IRTE {index}", $"present in the image ({irte}) but not listed");
            }
            else if (!irte.Present)
            {
                Fail(ReplayCheck.InterruptEntry, new SourceLocation(LinuxBootRecording.MemoryDecode, expected.Line), $"IRTE {index}", $"listed as present, the image holds 0x{high:x16}_{low:x16}");
            }
            else if (Differences(irte, expected) is { } difference)
            {
                Fail(ReplayCheck.InterruptEntry, new SourceLocation(LinuxBootRecording.MemoryDecode, expected.Line), $"IRTE {index}", difference);
            }
            else
            {
                _result.IrtesMatched++;
            }
        }

        foreach (RecordedIrte irte in recorded.Entries)
        {
            SendInterrupt(irte, x2Apic);
        }
    }

    // The model's decode of the image entry against the recording's raw words and decoded fields.
    private static string? Differences(in InterruptRemapEntry model, in RecordedIrte recorded)
    {
        if (model.Low != recorded.Low || model.High != recorded.High)
        {
            return $"recorded 0x{recorded.High:x16}_{recorded.Low:x16}, image 0x{model.High:x16}_{model.Low:x16}";
        }

        var fields = new List<string>();
        Check("vector", model.V, recorded.Vector);
        Check("dst", model.DST, recorded.Destination);
        Check("dm", model.DM ? 1u : 0, recorded.DM ? 1u : 0);
        Check("tm", model.TM ? 1u : 0, recorded.TM ? 1u : 0);
        Check("dlm", (uint)model.DLM, (uint)recorded.DLM);
        Check("sid", model.SID, recorded.SID);
        Check("sq", (uint)model.SQ, (uint)recorded.SQ);
        Check("svt", (uint)model.SVT, (uint)recorded.SVT);
        return fields.Count == 0 ? null : $"decoded differently: {string.Join(", ", fields)}";

        void Check(string name, uint modelValue, uint recordedValue)
        {
            if (modelValue != recordedValue)
            {
                fields.Add($"{name} recorded 0x{recordedValue:x}, model 0x{modelValue:x}");
            }
        }
    }

    // A remappable-format MSI naming the entry's index (VT-d spec §5.1.2), sent by a requester the
    // entry's source validation accepts: the SID itself (SVT 01), the first bus of its range (SVT 10), or
    // any requester (SVT 00, sent as 00:00.0).
    private void SendInterrupt(in RecordedIrte irte, bool x2Apic)
    {
        _result.InterruptsSent++;
        ushort source = irte.SVT switch
        {
            1 => irte.SID,
            2 => (ushort)(irte.SID & 0xFF00),
            _ => 0,
        };
        InterruptRemapResult result = _unit.SignalInterrupt(source, InterruptRequest.RemappableAddress(irte.Index), 0);
        uint destination = x2Apic ? irte.Destination : (irte.Destination >> 8) & 0xFF;
        var expected = new ApicInterrupt(destination, irte.Vector, irte.DLM, irte.DM, irte.TM, RedirectionHint: (irte.Low & 0x8) != 0);
        if (result.Status == InterruptStatus.Delivered && result.Remapped && result.Index == irte.Index && result.Interrupt == expected)
        {
            _result.InterruptsRemapped++;
            return;
        }

        Fail(ReplayCheck.Interrupt, new SourceLocation(LinuxBootRecording.MemoryDecode, irte.Line), $"MSI from {Bdf.FromSourceId(source)} to IRTE {irte.Index}",
            $"expected delivered {expected}, model {result}");
    }
}
