using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VtdEmu.Faults;
using VtdEmu.Memory;

namespace VtdEmu.Translation;

/// <summary>
/// The second-level page walker (VT-d spec §3.6-§3.7, entries §9.8): reads one paging entry per
/// level straight from guest memory, ANDs R/W down the levels, checks reserved bits with the masks
/// precomputed in <see cref="TranslationParameters"/>, and stops at level 1 or a PS=1 leaf.
/// A loop with one read per level, so a table that points at itself ends after the level count.
/// </summary>
public sealed partial class SecondLevelWalker
{
    private const ulong AddressMask = PageGeometry.EntryAddressMask;
    private const ulong PsBit = 1UL << 7;
    private const ulong InterruptRangeMask = ~0xF_FFFFUL;
    private const ulong InterruptRangeBase = 0xFEE0_0000;

    private readonly GuestMemory _memory;
    private readonly ulong[] _tableReserved;
    private readonly ulong[] _leafReserved;

    /// <summary>A walker over <paramref name="memory"/> with the masks of <paramref name="parameters"/>.</summary>
    public SecondLevelWalker(GuestMemory memory, TranslationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        _memory = memory;
        _tableReserved = parameters.TableReservedMasks;
        _leafReserved = parameters.LeafReservedMasks;
    }

    /// <summary>
    /// Translates <paramref name="iova"/> for <paramref name="access"/> starting at
    /// <paramref name="start"/>. The caller has already checked the input width. Fault codes are
    /// the legacy ones (0x03/0x05/0x06/0x07/0x0C/0x0E) or, with <paramref name="scalable"/>, the
    /// scalable ones (0x78/0x79/0x7A/0x7B/0x85/0x86/0x87).
    /// </summary>
    public TranslationResult Walk(ulong iova, DmaAccess access, bool scalable, in WalkStart start)
    {
        WalkPath path = default;
        return Complete(iova, access, scalable, WalkCore(iova, start, ref path));
    }

    /// <summary>
    /// The walk itself: one read per level from <paramref name="start"/> until a leaf, a
    /// not-present or reserved entry, or an unreadable table. Records every validated non-leaf
    /// entry in <paramref name="path"/>; checks nothing about the request.
    /// </summary>
    internal WalkOutcome WalkCore(ulong iova, in WalkStart start, ref WalkPath path)
    {
        int level = start.Level;
        if ((uint)(level - 1) >= TranslationParameters.MaxLevels || start.RootLevel < level)
        {
            // Starts come from validated context entries or the caches, never from the guest directly.
            Debug.Fail($"walk start level {level} / root {start.RootLevel} out of range");
            return new WalkOutcome(WalkStatus.ReadError, level, 0, 0, 0, RootTableFailed: true);
        }

        // SAFETY: both mask arrays have MaxLevels + 1 elements; level starts in 1..MaxLevels (checked
        // above) and only decreases to 1 before the loop returns, so every Unsafe.Add below is in bounds.
        ref ulong tableReserved = ref MemoryMarshal.GetArrayDataReference(_tableReserved);
        ref ulong leafReserved = ref MemoryMarshal.GetArrayDataReference(_leafReserved);

        ulong table = start.TableAddress;
        ulong rights = (ulong)start.Rights;
        int reads = 0;
        while (true)
        {
            ulong entryAddress = table + (PageGeometry.Index(iova, level) * sizeof(ulong));
            reads++;
            if (!_memory.TryRead64(entryAddress, out ulong entry))
            {
                return new WalkOutcome(WalkStatus.ReadError, level, 0, 0, reads, level == start.RootLevel);
            }

            if ((entry & (ulong)DmaAccess.ReadWrite) == 0)
            {
                return new WalkOutcome(WalkStatus.NotPresent, level, entry, 0, reads, false);
            }

            rights &= entry;
            bool leaf = level == 1 || (entry & PsBit) != 0;
            // SAFETY: level is in 1..MaxLevels (see above).
            ulong reserved = leaf ? Unsafe.Add(ref leafReserved, level) : Unsafe.Add(ref tableReserved, level);
            if ((entry & reserved) != 0)
            {
                return new WalkOutcome(WalkStatus.Reserved, level, entry, 0, reads, false);
            }

            if (leaf)
            {
                return new WalkOutcome(WalkStatus.Leaf, level, entry, rights, reads, false);
            }

            table = entry & AddressMask;
            path[level] = table | rights;
            level--;
        }
    }

    /// <summary>The request-dependent end of a walk: the fault code for where it stopped, or the leaf's checks.</summary>
    internal static TranslationResult Complete(ulong iova, DmaAccess access, bool scalable, in WalkOutcome outcome) => outcome.Status switch
    {
        WalkStatus.Leaf => CheckLeaf(iova, access, scalable, outcome.Entry & AddressMask, outcome.Rights, PageGeometry.LevelShift(outcome.Level), outcome.Reads),
        // Not present: scalable mode names it (SSL.2); legacy mode reports the missing right.
        WalkStatus.NotPresent => TranslationResult.Faulted(scalable ? FaultReason.SecondLevelEntryNotPresent : PermissionFault(scalable, access, 0), outcome.Reads),
        WalkStatus.Reserved => TranslationResult.Faulted(scalable ? FaultReason.SecondLevelEntryReserved : FaultReason.PagingEntryReserved, outcome.Reads),
        _ => TranslationResult.Faulted(AccessError(scalable, outcome.RootTableFailed), outcome.Reads),
    };

    /// <summary>
    /// The checks made at a leaf, after the walk or on an IOTLB hit: the request's rights against
    /// <paramref name="rights"/>, then the output against the interrupt range. <paramref name="outputPage"/>
    /// is the page base (its offset bits clear).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TranslationResult CheckLeaf(ulong iova, DmaAccess access, bool scalable, ulong outputPage, ulong rights, int shift, int reads)
    {
        if (((ulong)access & ~rights) != 0)
        {
            return TranslationResult.Faulted(PermissionFault(scalable, access, rights), reads);
        }

        ulong output = outputPage | (iova & ((1UL << shift) - 1));
        if (IsInterruptRange(output))
        {
            return TranslationResult.Faulted(scalable ? FaultReason.ScalableOutputInInterruptRange : FaultReason.OutputInInterruptRange, reads);
        }

        return TranslationResult.Translated(output, shift, rights, reads);
    }

    /// <summary>True when <paramref name="output"/> lies in the interrupt address range 0xFEEx_xxxx: requests there are interrupts, not DMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsInterruptRange(ulong output) => (output & InterruptRangeMask) == InterruptRangeBase;

    /// <summary>The permission fault for a request lacking rights: a missing W is reported before a missing R.</summary>
    internal static FaultReason PermissionFault(bool scalable, DmaAccess access, ulong rights)
    {
        bool writeDenied = (access & DmaAccess.Write) != 0 && (rights & (ulong)DmaAccess.Write) == 0;
        return writeDenied
            ? (scalable ? FaultReason.ScalableWriteDenied : FaultReason.WriteDenied)
            : (scalable ? FaultReason.ScalableReadDenied : FaultReason.ReadDenied);
    }

    private static FaultReason AccessError(bool scalable, bool rootTable) => (scalable, rootTable) switch
    {
        (false, true) => FaultReason.ContextEntryInvalid,
        (false, false) => FaultReason.PagingEntryAccessError,
        (true, true) => FaultReason.SecondLevelRootAccessError,
        (true, false) => FaultReason.SecondLevelEntryAccessError,
    };
}
