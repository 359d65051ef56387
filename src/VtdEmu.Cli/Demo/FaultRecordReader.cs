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
            ulong offset = (ulong)cap.FaultRecordingOffset + (16UL * (ulong)i);
            ulong high = mmio.Read(offset + 8, 8);
            if ((high >> 63) == 0)
            {
                continue;
            }

            ulong low = mmio.Read(offset, 8);

            // FRCD bits 79:64 SID, 103:96 FR, request type {T1 (bit 126), T2 (bit 92)}, FI in 63:12.
            var type = (FaultRequestType)((((high >> 62) & 1) << 1) | ((high >> 28) & 1));
            records.Add(new Record(i, (ushort)(high & 0xFFFF), (FaultReason)(byte)((high >> 32) & 0xFF), type, low & ~0xFFFUL));
        }

        return records;
    }
}
