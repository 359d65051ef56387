using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// The first-level page walker (VT-d spec §3.6, entries §9.7; readings in spec-notes/first-level.md): IA-32e
/// paging with 4 or 5 levels (PASID-entry FLPM), 4 KiB / 2 MiB / 1 GiB leaves (1 GiB with CAP.FL1GP), the
/// canonical-address check, the user/supervisor, write (WPE) and execute (XD, supervisor-execute-of-user-page)
/// rules, and the accessed/dirty updates: on a translation that succeeds, A is set in every entry walked and D in
/// the leaf of a write, each by a compare-and-exchange that ORs the bit into whatever the entry holds then, so a
/// racing CPU store is never lost. A loop with one read per level: a table that points at itself ends after the
/// level count.
/// </summary>
public sealed class FirstLevelWalker
{
    private const ulong AddressMask = PageGeometry.EntryAddressMask;
    private const ulong PresentBit = 1;
    private const ulong ReadWriteBit = FirstLevelPagingEntry.ReadWriteBit;
    private const ulong UserBit = FirstLevelPagingEntry.UserBit;
    private const ulong PsBit = 1UL << 7;
    private const ulong XdBit = FirstLevelPagingEntry.ExecuteDisableBit;
    private const int MaxLevels = 5;

    private readonly GuestMemory _memory;
    private readonly ulong _addressReserved;
    private readonly bool _oneGiBPages;

    /// <summary>A walker over <paramref name="memory"/> for a unit with <paramref name="parameters"/>' CAP and HAW.</summary>
    public FirstLevelWalker(GuestMemory memory, TranslationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        _memory = memory;

        // Address bits 51:HAW are reserved in every entry (§9.7).
        _addressReserved = AddressMask & ~((1UL << parameters.Haw) - 1);
        _oneGiBPages = parameters.Capability.FL1GP;
    }

    /// <summary>The paging levels a PASID entry's FLPM selects (0 → 4, 1 → 5).</summary>
    public static int LevelsForFlpm(int flpm) => flpm == 1 ? 5 : 4;

    /// <summary>
    /// Translates <paramref name="request"/> through the first-level tables at <paramref name="root"/>
    /// (<paramref name="levels"/> = 4 or 5). <paramref name="wpe"/> is the PASID entry's WPE; the request's
    /// privilege and execute attributes come with its PASID prefix (none without one: a user-mode read or write).
    /// <paramref name="leaf"/> describes the leaf for the IOTLB (valid only on success).
    /// </summary>
    public TranslationResult Walk(in DmaRequest request, ulong root, int levels, bool wpe, out FirstLevelLeaf leaf)
    {
        var direct = default(DirectTableAccess);
        return Walk(request, FirstLevelStart.FromRoot(root, levels), levels, wpe, ref direct, [], out leaf);
    }

    /// <summary>
    /// The walk with its tables and output reached through <paramref name="tables"/>: directly, or through the
    /// second level for nested translation (spec-notes/nested.md). Table addresses in entries and
    /// <paramref name="start"/> are what the first-level tables hold; the reads and writes go to the host addresses
    /// <paramref name="tables"/> gives. The walk begins at <paramref name="start"/> (the root, or below a cached
    /// paging-structure entry, whose A bits were set when it was cached). <paramref name="nonLeaf"/> (indexed by
    /// level, when not empty) receives, for each non-leaf entry walked, the table it points at with U/S and R/W ANDed
    /// and XD ORed down to it (bits 2, 1, 63); other slots are left alone. Cache them only when the walk succeeds.
    /// </summary>
    internal TranslationResult Walk<TTables>(in DmaRequest request, in FirstLevelStart start, int levels, bool wpe, ref TTables tables, Span<ulong> nonLeaf, out FirstLevelLeaf leaf)
        where TTables : struct, IFirstLevelTableAccess
    {
        leaf = default;
        ulong address = request.Address;
        int width = PageGeometry.InputWidth(levels);

        // Canonical: bits 63:width-1 all equal to bit width-1 (§3.6.1). Upper-half addresses are canonical but a
        // device's IOVA space is the lower half in practice; both walk the same way.
        ulong upper = address >> (width - 1);
        if (upper != 0 && upper != (ulong.MaxValue >> (width - 1)))
        {
            return TranslationResult.Faulted(FaultReason.NonCanonicalAddress, 0);
        }

        // Per level walked, root first: the entry's address as the tables name it, and where it was read.
        Span<ulong> slots = stackalloc ulong[MaxLevels];
        Span<ulong> hostSlots = stackalloc ulong[MaxLevels];
        ulong table = start.Table;
        bool user = start.User;
        bool writable = start.Writable;
        bool executeDisabled = start.ExecuteDisabled;
        int reads = 0;
        int level = start.Level;
        ulong entry;
        while (true)
        {
            FaultReason located = tables.LocateTable(table, level == levels, out ulong hostTable);
            if (located != FaultReason.None)
            {
                return TranslationResult.Faulted(located, reads);
            }

            ulong index = PageGeometry.Index(address, level) * sizeof(ulong);
            reads++;
            if (!_memory.TryRead64(hostTable + index, out entry))
            {
                return TranslationResult.Faulted(level == levels ? FaultReason.FirstLevelRootAccessError : FaultReason.FirstLevelEntryAccessError, reads);
            }

            if ((entry & PresentBit) == 0)
            {
                return TranslationResult.Faulted(FaultReason.FirstLevelEntryNotPresent, reads);
            }

            bool isLeaf = level == 1 || ((entry & PsBit) != 0 && level <= 3);
            if ((entry & Reserved(level, isLeaf)) != 0)
            {
                return TranslationResult.Faulted(FaultReason.FirstLevelEntryReserved, reads);
            }

            slots[levels - level] = table + index;
            hostSlots[levels - level] = hostTable + index;
            user &= (entry & UserBit) != 0;
            writable &= (entry & ReadWriteBit) != 0;
            executeDisabled |= (entry & XdBit) != 0;
            if (isLeaf)
            {
                break;
            }

            table = entry & AddressMask;
            if (level < nonLeaf.Length)
            {
                // What a paging-structure-cache entry for this level holds: the next table, the rights so far.
                nonLeaf[level] = table | (user ? UserBit : 0) | (writable ? ReadWriteBit : 0) | (executeDisabled ? XdBit : 0);
            }

            level--;
        }

        bool write = (request.Access & DmaAccess.Write) != 0;
        FaultReason denied = Permission(request.Privileged, request.Execute, write, user, writable, executeDisabled, wpe);
        if (denied != FaultReason.None)
        {
            return TranslationResult.Faulted(denied, reads);
        }

        int pageShift = PageGeometry.LevelShift(level);
        ulong page = entry & AddressMask & ~((1UL << pageShift) - 1);
        FaultReason outputFault = tables.LocateOutput(
            page | (address & ((1UL << pageShift) - 1)), request.Access, out ulong output, out int outputShift, out DmaAccess outputRights, out bool cacheWrite);
        if (outputFault != FaultReason.None)
        {
            return TranslationResult.Faulted(outputFault, reads);
        }

        // A on every entry walked, top first; D on the leaf of a write (§3.8).
        int last = levels - level;
        for (int i = levels - start.Level; i <= last; i++)
        {
            bool isLeaf = i == last;
            ulong bits = FirstLevelPagingEntry.AccessedBit | (isLeaf && write ? FirstLevelPagingEntry.DirtyBit : 0);
            FaultReason updated = SetBits(ref tables, slots[i], hostSlots[i], bits, i == 0, out ulong now);
            if (updated != FaultReason.None)
            {
                return TranslationResult.Faulted(updated, reads);
            }

            if (isLeaf)
            {
                entry = now;
            }
        }

        // Rights as a user-mode, non-execute request sees them, W only once D is set: what the IOTLB may answer
        // without a walk (a write to a clean page walks again to set D). Nested: ANDed with the second level's rights
        // (and its D under SLADE), and the page is the smaller of the two levels'.
        bool dirty = (entry & FirstLevelPagingEntry.DirtyBit) != 0;
        bool outputRead = (outputRights & DmaAccess.Read) != 0;
        bool outputWrite = (outputRights & DmaAccess.Write) != 0;
        int shiftCached = Math.Min(pageShift, outputShift);
        leaf = new FirstLevelLeaf(
            output & AddressMask & ~((1UL << shiftCached) - 1), shiftCached, Cacheable: user, Read: outputRead, Write: user && writable && dirty && cacheWrite);
        return new TranslationResult
        {
            OutputAddress = output,
            PageShift = shiftCached,
            Read = outputRead,
            Write = (writable || (request.Privileged && !wpe)) && outputWrite,
            TableReads = reads,
        };
    }

    /// <summary>
    /// The access rules (§3.6.2): a user request needs U/S = 1 at every level; a write needs R/W = 1 at every
    /// level unless it is a supervisor request with WPE = 0; an execute request faults when XD is set at any level
    /// or, for a supervisor request, when the page is a user page (U/S = 1 at every level).
    /// </summary>
    internal static FaultReason Permission(bool privileged, bool execute, bool write, bool user, bool writable, bool executeDisabled, bool wpe)
    {
        if (!privileged && !user)
        {
            return FaultReason.UserAccessDenied;
        }

        if (execute && (executeDisabled || (privileged && user)))
        {
            return FaultReason.ExecuteDenied;
        }

        return write && !writable && (!privileged || wpe) ? FaultReason.ScalableWriteDenied : FaultReason.None;
    }

    // Reserved bits (§9.7): address bits 51:HAW everywhere; PS in PML5E/PML4E; PS in a PDPE without FL1GP; in a
    // large leaf the address bits below its alignment (bit 12 is PAT).
    private ulong Reserved(int level, bool isLeaf)
    {
        ulong reserved = _addressReserved;
        if (level >= 4 || (level == 3 && !_oneGiBPages))
        {
            reserved |= PsBit;
        }
        else if (isLeaf && level > 1)
        {
            reserved |= PageGeometry.LevelOffsetMask(level) & ~0x1FFFUL;
        }

        return reserved;
    }

    // The A/D update of one entry: nothing when its bits are set; else the entry located for a write (nested: through
    // the second level, SFL.8 without W) and ORed by compare-and-exchange. An entry that cannot be written faults as
    // its read would (SFL.4 for the root table, SFL.1 below).
    private FaultReason SetBits<TTables>(ref TTables tables, ulong slot, ulong hostSlot, ulong bits, bool root, out ulong now)
        where TTables : struct, IFirstLevelTableAccess
    {
        FaultReason accessError = root ? FaultReason.FirstLevelRootAccessError : FaultReason.FirstLevelEntryAccessError;
        if (!_memory.TryRead64(hostSlot, out now))
        {
            return accessError;
        }

        if ((now & bits) == bits)
        {
            return FaultReason.None;
        }

        FaultReason located = tables.LocateForUpdate(slot, out ulong target);
        if (located != FaultReason.None)
        {
            return located;
        }

        return PagingEntryUpdate.TrySetBits(_memory, target, bits, out now) ? FaultReason.None : accessError;
    }
}
