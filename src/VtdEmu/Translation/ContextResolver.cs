using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// The table reads and checks of context resolution, called by the <see cref="Translator"/>
/// pipeline on a context- or PASID-cache miss: root entry → context entry (legacy, VT-d spec
/// §3.4.2) or scalable root entry → scalable context entry → PASID directory → PASID table entry
/// (scalable, §3.4.3). Each check is a small method returning a <see cref="FaultReason"/>, called in
/// the order written in spec-notes/faults.md. FPD is collected from every entry read, present or
/// not, before that entry's own checks.
/// </summary>
public sealed class ContextResolver
{
    private const int PasidTableIndexBits = 6;
    private const uint PasidTableIndexMask = (1u << PasidTableIndexBits) - 1;
    private const ulong PointerMask = 0xFFFF_FFFF_FFFF_F000;

    private readonly GuestMemory _memory;
    private readonly TranslationParameters _parameters;

    /// <summary>A resolver reading tables from <paramref name="memory"/>.</summary>
    public ContextResolver(GuestMemory memory, TranslationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        _memory = memory;
        _parameters = parameters;
    }

    /// <summary>
    /// Legacy mode up to the context entry: reads and checks the root entry, then reads the context
    /// entry. Returns the root-level or read fault (LRT.1-3, LCT.1), or None with the unchecked entry.
    /// </summary>
    internal FaultReason ReadContextEntry(in DmaRequest request, ulong rootTable, out ContextEntry context, out int reads)
    {
        Span<byte> buffer = stackalloc byte[RootEntry.Size];
        context = default;
        reads = 1;
        if (!TryReadEntry(rootTable, (ulong)request.Bus * RootEntry.Size, buffer))
        {
            return FaultReason.RootEntryAccessError;
        }

        var rootEntry = RootEntry.ReadFrom(buffer);
        FaultReason fault = CheckRootEntry(rootEntry, _parameters);
        if (fault != FaultReason.None)
        {
            return fault;
        }

        reads = 2;
        if (!TryReadEntry(rootEntry.CTP, (ulong)request.DevFn * ContextEntry.Size, buffer))
        {
            return FaultReason.ContextEntryAccessError;
        }

        context = ContextEntry.ReadFrom(buffer);
        return FaultReason.None;
    }

    /// <summary>The context a legacy context entry gives <paramref name="request"/>; <paramref name="entryFault"/> is <see cref="CheckContextEntry"/>'s verdict.</summary>
    internal static TranslationContext LegacyContext(in ContextEntry context, FaultReason entryFault, in DmaRequest request, int reads, bool cached) =>
        LegacyContext(context.TT, entryFault, context.FPD, context.DID, context.SLPTPTR, context.AW, request.AddressType, reads, cached);

    /// <summary>
    /// The context a legacy context entry's fields give a request of <paramref name="addressType"/>, whether the fields
    /// were read from memory or from the context cache.
    /// </summary>
    internal static TranslationContext LegacyContext(
        TranslationType tt, FaultReason entryFault, bool fpd, ushort did, ulong slptptr, int aw, AddressType addressType, int reads, bool cached)
    {
        FaultReason fault = entryFault != FaultReason.None ? entryFault : CheckLegacyRequestType(tt, addressType);
        bool passThrough = tt == TranslationType.PassThrough;
        return new TranslationContext(
            passThrough ? TranslationKind.PassThrough : TranslationKind.SecondLevel,
            fault,
            fault == FaultReason.None ? did : (ushort)0,
            passThrough ? 0 : slptptr,
            passThrough ? 0 : TranslationParameters.LevelsForAw(aw),
            fpd,
            cached,
            reads);
    }

    /// <summary>
    /// Scalable mode up to the context entry: reads and checks the root-entry half the devfn selects
    /// (SRT.1-3), then reads the scalable context entry (SCT.1). Returns that fault or None with the
    /// unchecked entry.
    /// </summary>
    internal FaultReason ReadScalableContextEntry(in DmaRequest request, ulong rootTable, out ScalableContextEntry context, out int reads)
    {
        // Only the half of the root entry that the device's devfn selects is read and checked.
        int half = request.DevFn >> 7;
        Span<byte> buffer = stackalloc byte[ScalableContextEntry.Size];
        Span<byte> rootHalf = buffer[..sizeof(ulong)];
        context = default;
        reads = 1;
        if (!TryReadEntry(rootTable, ((ulong)request.Bus * ScalableRootEntry.Size) + ((ulong)half * sizeof(ulong)), rootHalf))
        {
            return FaultReason.ScalableRootEntryAccessError;
        }

        ulong rootWord = BinaryPrimitives.ReadUInt64LittleEndian(rootHalf);
        FaultReason fault = CheckScalableRootHalf(rootWord, _parameters);
        if (fault != FaultReason.None)
        {
            return fault;
        }

        reads = 2;
        if (!TryReadEntry(rootWord & PointerMask, (ulong)(request.DevFn & 0x7F) * ScalableContextEntry.Size, buffer))
        {
            return FaultReason.ScalableContextEntryAccessError;
        }

        context = ScalableContextEntry.ReadFrom(buffer);
        return FaultReason.None;
    }

    /// <summary>
    /// Reads the PASID-directory entry (SPD.1-3) and the PASID-table entry (SPT.1) for
    /// <paramref name="pasid"/> under a checked scalable context entry. Returns that fault or None
    /// with the unchecked PASID entry; <paramref name="directoryFpd"/> is the directory entry's FPD
    /// once it was read.
    /// </summary>
    internal FaultReason ReadPasidEntry(in ScalableContextEntry context, uint pasid, out PasidEntry pasidEntry, out bool directoryFpd, out int reads)
    {
        Span<byte> buffer = stackalloc byte[PasidEntry.Size];
        Span<byte> directoryBytes = buffer[..PasidDirectoryEntry.Size];
        pasidEntry = default;
        directoryFpd = false;
        reads = 1;
        if (!TryReadEntry(context.PASIDDIRPTR, (ulong)(pasid >> PasidTableIndexBits) * PasidDirectoryEntry.Size, directoryBytes))
        {
            return FaultReason.PasidDirectoryEntryAccessError;
        }

        var directory = PasidDirectoryEntry.ReadFrom(directoryBytes);
        directoryFpd = directory.FPD;
        FaultReason fault = CheckPasidDirectoryEntry(directory, _parameters);
        if (fault != FaultReason.None)
        {
            return fault;
        }

        reads = 2;
        if (!TryReadEntry(directory.SMPTBLPTR, (ulong)(pasid & PasidTableIndexMask) * PasidEntry.Size, buffer))
        {
            return FaultReason.PasidTableEntryAccessError;
        }

        pasidEntry = PasidEntry.ReadFrom(buffer);
        return FaultReason.None;
    }

    /// <summary>
    /// The context a PASID-table entry gives; <paramref name="entryFault"/> is <see cref="CheckPasidEntry"/>'s
    /// verdict and <paramref name="fpd"/> the FPD of the context and directory entries above it.
    /// </summary>
    internal static TranslationContext PasidContext(in PasidEntry pasidEntry, FaultReason entryFault, bool fpd, int reads, uint pasid)
    {
        bool passThrough = pasidEntry.PGTT == PasidGranularTranslationType.PassThrough;
        bool nested = pasidEntry.PGTT == PasidGranularTranslationType.Nested;
        if (entryFault == FaultReason.None && (nested || pasidEntry.PGTT == PasidGranularTranslationType.FirstLevel))
        {
            return new TranslationContext
            {
                Scalable = true,
                Fpd = fpd | pasidEntry.FPD,
                TableReads = reads,
                Did = pasidEntry.DID,
                Kind = nested ? TranslationKind.Nested : TranslationKind.FirstLevel,
                FirstLevelRoot = pasidEntry.FLPTPTR,
                Levels = FirstLevelWalker.LevelsForFlpm(pasidEntry.FLPM),
                SecondLevelRoot = nested ? pasidEntry.SLPTPTR : 0,
                SecondLevelLevels = nested ? TranslationParameters.LevelsForAw(pasidEntry.AW) : 0,
                Slade = nested && pasidEntry.SLADE,
                Pasid = pasid,
                Sre = pasidEntry.SRE,
                Ere = pasidEntry.ERE,
                Wpe = pasidEntry.WPE,
            };
        }

        return new TranslationContext
        {
            Fault = entryFault,
            Scalable = true,
            Fpd = fpd | pasidEntry.FPD,
            TableReads = reads,
            Did = entryFault == FaultReason.None ? pasidEntry.DID : (ushort)0,
            Kind = passThrough ? TranslationKind.PassThrough : TranslationKind.SecondLevel,
            SecondLevelRoot = passThrough ? 0 : pasidEntry.SLPTPTR,
            Levels = passThrough ? 0 : TranslationParameters.LevelsForAw(pasidEntry.AW),
            Slade = !passThrough && pasidEntry.SLADE,
        };
    }

    /// <summary>Reads the entry at <paramref name="table"/> + <paramref name="offset"/>; false when any byte is at or above 2^HAW or not RAM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadEntry(ulong table, ulong offset, Span<byte> destination)
    {
        // Table pointers are 4 KiB aligned and offsets stay inside the table, so table >> HAW is the whole range check.
        int haw = _parameters.Haw;
        return table >> haw == 0 && (table + offset + (ulong)destination.Length - 1) >> haw == 0
            && _memory.TryRead(table + offset, destination);
    }

    // The checks, in spec order (spec-notes/faults.md §2). Each returns None or the fault.

    /// <summary>LRT.2 present, LRT.3 reserved bits.</summary>
    internal static FaultReason CheckRootEntry(RootEntry entry, TranslationParameters parameters) =>
        !entry.Present ? FaultReason.RootEntryNotPresent
        : ((entry.Low & parameters.RootEntryReservedLow) | (entry.High & parameters.RootEntryReservedHigh)) != 0 ? FaultReason.RootEntryReserved
        : FaultReason.None;

    /// <summary>LCT.2 present, LCT.3 reserved bits, LCT.4.2 TT supported, LCT.4.1 AW in SAGAW (not for pass-through).</summary>
    internal static FaultReason CheckContextEntry(ContextEntry entry, TranslationParameters parameters)
    {
        if (!entry.Present)
        {
            return FaultReason.ContextEntryNotPresent;
        }

        TranslationType tt = entry.TT;
        ulong reservedLow = tt == TranslationType.PassThrough ? parameters.ContextEntryReservedLowPassThrough : parameters.ContextEntryReservedLow;
        if (((entry.Low & reservedLow) | (entry.High & parameters.ContextEntryReservedHigh)) != 0)
        {
            return FaultReason.ContextEntryReserved;
        }

        ExtendedCapabilityRegister ecap = parameters.ExtendedCapability;
        bool ttSupported = tt switch
        {
            TranslationType.UntranslatedOnly => true,
            TranslationType.AllRequests => ecap.DT,
            TranslationType.PassThrough => ecap.PT,
            _ => false,
        };
        if (!ttSupported)
        {
            return FaultReason.ContextEntryInvalid;
        }

        return tt != TranslationType.PassThrough && !parameters.SupportsAw(entry.AW) ? FaultReason.ContextEntryInvalid : FaultReason.None;
    }

    /// <summary>LCT.5: translation and translated requests need TT=01b.</summary>
    internal static FaultReason CheckLegacyRequestType(TranslationType tt, AddressType addressType) =>
        addressType != AddressType.Untranslated && tt != TranslationType.AllRequests ? FaultReason.RequestTypeBlocked : FaultReason.None;

    /// <summary>SRT.2 present, SRT.3 reserved bits of the selected half.</summary>
    internal static FaultReason CheckScalableRootHalf(ulong half, TranslationParameters parameters) =>
        !Bits.IsSet(half, 0) ? FaultReason.ScalableRootEntryNotPresent
        : (half & parameters.ScalableRootHalfReserved) != 0 ? FaultReason.ScalableRootEntryReserved
        : FaultReason.None;

    /// <summary>SCT.2 present, SCT.3 reserved bits (including fields of absent capabilities).</summary>
    internal static FaultReason CheckScalableContextEntry(in ScalableContextEntry entry, TranslationParameters parameters) =>
        !entry.Present ? FaultReason.ScalableContextEntryNotPresent
        : ((entry.Word(0) & parameters.ScalableContextReserved0) | (entry.Word(1) & parameters.ScalableContextReserved1)
            | entry.Word(2) | entry.Word(3)) != 0 ? FaultReason.ScalableContextEntryReserved
        : FaultReason.None;

    /// <summary>SCT.5 DTE, SCT.6 PASIDE, SCT.7 PASID within PDTS; SCT.4 RID_PASID within PDTS. Picks the PASID to look up.</summary>
    internal static FaultReason CheckScalableRequest(in ScalableContextEntry entry, in DmaRequest request, TranslationParameters parameters, out uint pasid)
    {
        int pasidBits = entry.PDTS + 7 + PasidTableIndexBits;
        if (request.AddressType != AddressType.Untranslated && !entry.DTE)
        {
            pasid = 0;
            return FaultReason.DeviceTlbDisabled;
        }

        if (request.HasPasid)
        {
            pasid = request.Pasid;
            return !entry.PASIDE ? FaultReason.PasidDisabled
                : pasid >> pasidBits != 0 ? FaultReason.PasidBeyondDirectory
                : FaultReason.None;
        }

        pasid = parameters.ExtendedCapability.RPS ? entry.RID_PASID : 0;
        return pasid >> pasidBits != 0 ? FaultReason.ScalableContextEntryInvalid : FaultReason.None;
    }

    /// <summary>SPD.2 present, SPD.3 reserved bits.</summary>
    internal static FaultReason CheckPasidDirectoryEntry(PasidDirectoryEntry entry, TranslationParameters parameters) =>
        !entry.Present ? FaultReason.PasidDirectoryEntryNotPresent
        : (entry.Raw & parameters.PasidDirectoryReserved) != 0 ? FaultReason.PasidDirectoryEntryReserved
        : FaultReason.None;

    /// <summary>SPT.2 present, SPT.3 reserved bits, then SPT.4 PGTT supported and (second level) AW in SAGAW.</summary>
    internal static FaultReason CheckPasidEntry(in PasidEntry entry, TranslationParameters parameters)
    {
        if (!entry.Present)
        {
            return FaultReason.PasidTableEntryNotPresent;
        }

        ulong reserved = 0;
        for (int i = 0; i < PasidEntry.WordCount; i++)
        {
            reserved |= entry.Word(i) & parameters.PasidEntryReserved(i);
        }

        if (reserved != 0)
        {
            return FaultReason.PasidTableEntryReserved;
        }

        ExtendedCapabilityRegister ecap = parameters.ExtendedCapability;
        return entry.PGTT switch
        {
            PasidGranularTranslationType.SecondLevel when ecap.SLTS =>
                parameters.SupportsAw(entry.AW) ? FaultReason.None : FaultReason.PasidTableEntryInvalid,
            PasidGranularTranslationType.PassThrough when ecap.PT => FaultReason.None,
            // FLPM 00 = 4-level, 01 = 5-level (needs CAP.FL5LP); the rest is reserved (SPT.4).
            PasidGranularTranslationType.FirstLevel when ecap.FLTS =>
                entry.FLPM == 0 || (entry.FLPM == 1 && parameters.Capability.FL5LP) ? FaultReason.None : FaultReason.PasidTableEntryInvalid,
            // Nested (spec-notes/nested.md §1): the first level's FLPM rule and the second level's AW rule.
            PasidGranularTranslationType.Nested when ecap.NEST =>
                (entry.FLPM == 0 || (entry.FLPM == 1 && parameters.Capability.FL5LP)) && parameters.SupportsAw(entry.AW)
                    ? FaultReason.None : FaultReason.PasidTableEntryInvalid,
            _ => FaultReason.PasidTableEntryInvalid,
        };
    }
}
