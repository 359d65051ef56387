using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// Reads the primary fault log the way a driver does, through MMIO only: FSTS, then each fault
/// recording register at CAP.FRO × 16 (CAP.NFR + 1 of them, 16 bytes each; VT-d spec §11.4.9, §11.4.14).
/// </summary>
internal static class FaultRecordReader
{
    /// <summary>One FRCD with F = 1, decoded.</summary>
    public sealed record Record(int Index, ushort SourceId, FaultReason Reason, FaultRequestType Type, ulong Address);

    public static IReadOnlyList<Record> Read(IMmio mmio, out uint fsts)
    {
        ArgumentNullException.ThrowIfNull(mmio);
        fsts = (uint)mmio.Read((ulong)VtdRegister.FSTS, 4);
        var cap = new CapabilityRegister(mmio.Read((ulong)VtdRegister.CAP, 8));
        List<Record> records = [];
        for (int i = 0; i < cap.FaultRecordingCount; i++)
        {
            ulong offset = (ulong)cap.FaultRecordingOffset + ((ulong)FaultRecordingRegister.Size * (ulong)i);
            ulong high = mmio.Read(offset + 8, 8);
            if ((high & FaultRecordingRegister.FaultBit) == 0)
            {
                continue;
            }

            var frcd = new FaultRecordingRegister(mmio.Read(offset, 8), high);
            records.Add(new Record(i, frcd.SID, frcd.FR, frcd.RequestType, frcd.FI));
        }

        return records;
    }
}
