using VtdEmu.Faults;

namespace VtdEmu.Translation;

/// <summary>First-level tables and output are host physical (PGTT 001): every location is itself.</summary>
internal struct DirectTableAccess : IFirstLevelTableAccess
{
    /// <inheritdoc/>
    public readonly FaultReason LocateTable(ulong table, bool root, out ulong hostTable)
    {
        hostTable = table;
        return FaultReason.None;
    }

    /// <inheritdoc/>
    public readonly FaultReason LocateForUpdate(ulong slot, out ulong hostSlot)
    {
        hostSlot = slot;
        return FaultReason.None;
    }

    /// <inheritdoc/>
    public readonly FaultReason LocateOutput(ulong output, DmaAccess access, out ulong hostOutput, out int pageShift, out DmaAccess rights, out bool cacheWrite)
    {
        hostOutput = output;
        pageShift = 64;
        rights = DmaAccess.ReadWrite;
        cacheWrite = true;
        return SecondLevelWalker.IsInterruptRange(output) ? FaultReason.ScalableOutputInInterruptRange : FaultReason.None;
    }
}
