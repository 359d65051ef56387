using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// Nested translation (PGTT 011, VT-d spec ch. 3 "Nested Translation", fault reasons §7.1.3; spec-notes/nested.md): every
/// first-level table address and the first level's output are guest physical and are translated through the
/// second-level tables at SLPTPTR. Each of those second-level translations is a walk of its own from SLPTPTR (not
/// looked up in, nor filled into, the second-level IOTLB or paging-structure cache), with its own A/D updates under
/// SLADE. Counts the second-level entries it reads in <see cref="Reads"/>.
/// </summary>
internal struct NestedTableAccess(SecondLevelWalker walker, in TranslationContext context, int inputWidth) : IFirstLevelTableAccess
{
    private const ulong AddressMask = PageGeometry.EntryAddressMask;

    private readonly SecondLevelWalker _walker = walker;
    private readonly WalkStart _start = WalkStart.FromRoot(context.SecondLevelRoot, context.SecondLevelLevels);
    private readonly int _inputWidth = inputWidth;
    private readonly bool _slade = context.Slade;

    /// <summary>Second-level entries read so far.</summary>
    public int Reads { get; private set; }

    /// <inheritdoc/>
    public FaultReason LocateTable(ulong table, bool root, out ulong hostTable)
    {
        // A table read needs R at the second level: SFL.6 for the FLPTPTR table, SFL.7 below (nested.md §2).
        return Translate(table, DmaAccess.Read, root ? FaultReason.NestedRootTableReadDenied : FaultReason.NestedTableReadDenied, out hostTable);
    }

    /// <inheritdoc/>
    public FaultReason LocateForUpdate(ulong slot, out ulong hostSlot) =>
        Translate(slot, DmaAccess.Write, FaultReason.NestedEntryUpdateWriteDenied, out hostSlot);

    /// <inheritdoc/>
    public FaultReason LocateOutput(ulong output, DmaAccess access, out ulong hostOutput, out int pageShift, out DmaAccess rights, out bool cacheWrite)
    {
        hostOutput = 0;
        pageShift = 0;
        rights = DmaAccess.None;
        cacheWrite = false;
        if (output >> _inputWidth != 0)
        {
            return FaultReason.ScalableAddressBeyondWidth;
        }

        WalkPath path = default;
        WalkOutcome outcome = _walker.WalkCore(output, _start, ref path);
        Reads += outcome.Reads;
        TranslationResult result = SecondLevelWalker.Complete(output, access, scalable: true, outcome);
        if (result.Fault != FaultReason.None)
        {
            return result.Fault;
        }

        bool dirty = true;
        if (_slade)
        {
            FaultReason updated = _walker.SetAccessedDirty(output, _start, ref path, outcome.Level, (access & DmaAccess.Write) != 0, out ulong leaf);
            if (updated != FaultReason.None)
            {
                return updated;
            }

            dirty = (leaf & SecondLevelPageTableEntry.DirtyBit) != 0;
        }

        hostOutput = result.OutputAddress;
        pageShift = result.PageShift;
        rights = (result.Read ? DmaAccess.Read : DmaAccess.None) | (result.Write ? DmaAccess.Write : DmaAccess.None);
        cacheWrite = result.Write && dirty;
        return FaultReason.None;
    }

    // A table access through the second level: the width check (SFL.5), the walk's own faults (SSL.1-4), the
    // access's right (deniedFault), then A (and D for a write) under SLADE. No interrupt-range check: a table access is
    // not a DMA to that address (nested.md §2).
    private FaultReason Translate(ulong address, DmaAccess access, FaultReason deniedFault, out ulong host)
    {
        host = 0;
        if (address >> _inputWidth != 0)
        {
            return FaultReason.NestedTableBeyondWidth;
        }

        WalkPath path = default;
        WalkOutcome outcome = _walker.WalkCore(address, _start, ref path);
        Reads += outcome.Reads;
        if (outcome.Status != WalkStatus.Leaf)
        {
            return SecondLevelWalker.Complete(address, access, scalable: true, outcome).Fault;
        }

        if (((ulong)access & ~outcome.Rights) != 0)
        {
            return deniedFault;
        }

        if (_slade)
        {
            FaultReason updated = _walker.SetAccessedDirty(address, _start, ref path, outcome.Level, access == DmaAccess.Write, out _);
            if (updated != FaultReason.None)
            {
                return updated;
            }
        }

        int pageShift = PageGeometry.LevelShift(outcome.Level);
        host = (outcome.Entry & AddressMask & ~((1UL << pageShift) - 1)) | (address & ((1UL << pageShift) - 1));
        return FaultReason.None;
    }
}
