using VtdEmu.Faults;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorTests
{
    private const uint Pasid = 0x85; // directory slot 2, table slot 5

    /// <summary>One change to a correctly built scalable-mode device (PASID-granular SL, 4-level, 4 KiB page at Iova → Hpa, RW).</summary>
    public enum ScalableCase
    {
        Mapped,
        MappedWithoutPasid,
        MappedUpperDevfn,
        RootTableUnbacked,
        RootHalfNotPresent,
        UpperHalfNotPresent,
        RootHalfReservedBit,
        RootHalfPointerAboveHaw,
        ContextTableUnbacked,
        ContextEntryNotPresent,
        ContextEntryReservedBit,
        ContextDteWithoutDt,
        ContextUpperWordReserved,
        TranslationRequestWithoutDte,
        PasidRequestWithoutPaside,
        PasidBeyondDirectory,
        RidPasidBeyondDirectory,
        DirectoryUnbacked,
        DirectoryEntryNotPresent,
        DirectoryEntryReservedBit,
        PasidTableUnbacked,
        PasidEntryNotPresent,
        PasidEntryReservedBit,
        PasidEntrySladeWithoutSlads,
        PgttFirstLevel,
        PgttFirstLevelAdvertised,
        PgttNested,
        PgttReserved,
        PasidEntryAwNotInSagaw,
        IovaBeyondWidth,
        SlRootTableUnbacked,
        SlLowerTableUnbacked,
        SlEntryNotPresent,
        SlEntryReservedBit,
        WriteDenied,
        ReadDenied,
        OutputInInterruptRange,
        PassThrough,
        PassThroughWithoutPt,
        PassThroughBeyondHaw,
        PassThroughInterruptRange,
    }

    /// <summary>Which entry gets FPD=1 in a scalable vector.</summary>
    public enum FpdAt
    {
        Nowhere,
        Context,
        Directory,
        PasidEntry,
    }

    public static TheoryData<ScalableCase, FpdAt, FaultReason, bool> ScalableVectors { get; } = BuildScalableVectors();

    [Theory]
    [MemberData(nameof(ScalableVectors))]
    public void Translate_ScalableVector_MatchesSpec(ScalableCase change, FpdAt fpd, FaultReason expected, bool suppressed)
    {
        (Translator translator, DmaRequest request, RootPointer root) = Scalable(change, fpd);

        TranslationResult result = translator.Translate(request, root);

        Assert.Equal(expected, result.Fault);
        Assert.Equal(suppressed, result.Suppressed);
        if (expected == FaultReason.None)
        {
            Assert.Equal(change == ScalableCase.PassThrough ? Iova : Hpa + (Iova & 0xFFF), result.OutputAddress);
            Assert.Equal(Did, result.Did);
        }
    }

    private static TheoryData<ScalableCase, FpdAt, FaultReason, bool> BuildScalableVectors()
    {
        var data = new TheoryData<ScalableCase, FpdAt, FaultReason, bool>();
        (ScalableCase Change, FaultReason Fault, FpdAt Deepest)[] cases =
        [
            (ScalableCase.Mapped, FaultReason.None, FpdAt.PasidEntry),
            (ScalableCase.MappedWithoutPasid, FaultReason.None, FpdAt.PasidEntry),
            (ScalableCase.MappedUpperDevfn, FaultReason.None, FpdAt.PasidEntry),
            (ScalableCase.RootTableUnbacked, FaultReason.ScalableRootEntryAccessError, FpdAt.Nowhere),
            (ScalableCase.RootHalfNotPresent, FaultReason.ScalableRootEntryNotPresent, FpdAt.Nowhere),
            (ScalableCase.UpperHalfNotPresent, FaultReason.ScalableRootEntryNotPresent, FpdAt.Nowhere),
            (ScalableCase.RootHalfReservedBit, FaultReason.ScalableRootEntryReserved, FpdAt.Nowhere),
            (ScalableCase.RootHalfPointerAboveHaw, FaultReason.ScalableRootEntryReserved, FpdAt.Nowhere),
            (ScalableCase.ContextTableUnbacked, FaultReason.ScalableContextEntryAccessError, FpdAt.Nowhere),
            (ScalableCase.ContextEntryNotPresent, FaultReason.ScalableContextEntryNotPresent, FpdAt.Context),
            (ScalableCase.ContextEntryReservedBit, FaultReason.ScalableContextEntryReserved, FpdAt.Context),
            (ScalableCase.ContextDteWithoutDt, FaultReason.ScalableContextEntryReserved, FpdAt.Context),
            (ScalableCase.ContextUpperWordReserved, FaultReason.ScalableContextEntryReserved, FpdAt.Context),
            (ScalableCase.TranslationRequestWithoutDte, FaultReason.DeviceTlbDisabled, FpdAt.Context),
            (ScalableCase.PasidRequestWithoutPaside, FaultReason.PasidDisabled, FpdAt.Context),
            (ScalableCase.PasidBeyondDirectory, FaultReason.PasidBeyondDirectory, FpdAt.Context),
            (ScalableCase.RidPasidBeyondDirectory, FaultReason.ScalableContextEntryInvalid, FpdAt.Context),
            (ScalableCase.DirectoryUnbacked, FaultReason.PasidDirectoryEntryAccessError, FpdAt.Context),
            (ScalableCase.DirectoryEntryNotPresent, FaultReason.PasidDirectoryEntryNotPresent, FpdAt.Directory),
            (ScalableCase.DirectoryEntryReservedBit, FaultReason.PasidDirectoryEntryReserved, FpdAt.Directory),
            (ScalableCase.PasidTableUnbacked, FaultReason.PasidTableEntryAccessError, FpdAt.Directory),
            (ScalableCase.PasidEntryNotPresent, FaultReason.PasidTableEntryNotPresent, FpdAt.PasidEntry),
            (ScalableCase.PasidEntryReservedBit, FaultReason.PasidTableEntryReserved, FpdAt.PasidEntry),
            (ScalableCase.PasidEntrySladeWithoutSlads, FaultReason.PasidTableEntryReserved, FpdAt.PasidEntry),
            (ScalableCase.PgttFirstLevel, FaultReason.PasidTableEntryInvalid, FpdAt.PasidEntry),
            (ScalableCase.PgttFirstLevelAdvertised, FaultReason.FirstLevelEntryNotPresent, FpdAt.PasidEntry),
            (ScalableCase.PgttNested, FaultReason.PasidTableEntryInvalid, FpdAt.PasidEntry),
            (ScalableCase.PgttReserved, FaultReason.PasidTableEntryInvalid, FpdAt.PasidEntry),
            (ScalableCase.PasidEntryAwNotInSagaw, FaultReason.PasidTableEntryInvalid, FpdAt.PasidEntry),
            (ScalableCase.IovaBeyondWidth, FaultReason.ScalableAddressBeyondWidth, FpdAt.PasidEntry),
            (ScalableCase.SlRootTableUnbacked, FaultReason.SecondLevelRootAccessError, FpdAt.PasidEntry),
            (ScalableCase.SlLowerTableUnbacked, FaultReason.SecondLevelEntryAccessError, FpdAt.PasidEntry),
            (ScalableCase.SlEntryNotPresent, FaultReason.SecondLevelEntryNotPresent, FpdAt.PasidEntry),
            (ScalableCase.SlEntryReservedBit, FaultReason.SecondLevelEntryReserved, FpdAt.PasidEntry),
            (ScalableCase.WriteDenied, FaultReason.ScalableWriteDenied, FpdAt.PasidEntry),
            (ScalableCase.ReadDenied, FaultReason.ScalableReadDenied, FpdAt.PasidEntry),
            (ScalableCase.OutputInInterruptRange, FaultReason.ScalableOutputInInterruptRange, FpdAt.PasidEntry),
            (ScalableCase.PassThrough, FaultReason.None, FpdAt.PasidEntry),
            (ScalableCase.PassThroughWithoutPt, FaultReason.PasidTableEntryInvalid, FpdAt.PasidEntry),
            (ScalableCase.PassThroughBeyondHaw, FaultReason.ScalableAddressBeyondHardware, FpdAt.PasidEntry),
            (ScalableCase.PassThroughInterruptRange, FaultReason.ScalableOutputInInterruptRange, FpdAt.PasidEntry),
        ];
        foreach ((ScalableCase change, FaultReason fault, FpdAt deepest) in cases)
        {
            // FPD on each entry the request reaches (up to and including the faulting one) suppresses
            // a qualified fault; unqualified faults (entry read errors, root level) are never suppressed.
            data.Add(change, FpdAt.Nowhere, fault, false);
            for (FpdAt at = FpdAt.Context; at <= deepest; at++)
            {
                data.Add(change, at, fault, fault != FaultReason.None && fault.IsQualified());
            }
        }

        return data;
    }

    private static (Translator Translator, DmaRequest Request, RootPointer Root) Scalable(ScalableCase change, FpdAt fpd)
    {
        var builder = new TableBuilder();
        ulong ecap = change switch
        {
            ScalableCase.PassThroughWithoutPt => TestParameters.DefaultEcap & ~TestParameters.PT,
            ScalableCase.PgttFirstLevelAdvertised => TestParameters.DefaultEcap | TestParameters.FLTS,
            _ => TestParameters.DefaultEcap,
        };
        ulong cap = change == ScalableCase.PasidEntryAwNotInSagaw ? TestParameters.Cap(sagaw: 0b01000) : TestParameters.Cap();
        ulong hpa = change == ScalableCase.OutputInInterruptRange ? 0xFEE0_0000 : Hpa;
        DmaAccess rights = change switch { ScalableCase.WriteDenied => DmaAccess.Read, ScalableCase.ReadDenied => DmaAccess.Write, _ => DmaAccess.ReadWrite };
        ulong slRoot = builder.SecondLevel(Levels, (Iova & ~0xFFFUL, hpa, 0x1000, rights));
        PasidGranularTranslationType pgtt = change switch
        {
            ScalableCase.PgttFirstLevel or ScalableCase.PgttFirstLevelAdvertised => PasidGranularTranslationType.FirstLevel,
            ScalableCase.PgttNested => PasidGranularTranslationType.Nested,
            ScalableCase.PgttReserved => (PasidGranularTranslationType)5,
            ScalableCase.PassThrough or ScalableCase.PassThroughWithoutPt or ScalableCase.PassThroughBeyondHaw
                or ScalableCase.PassThroughInterruptRange => PasidGranularTranslationType.PassThrough,
            _ => PasidGranularTranslationType.SecondLevel,
        };
        ulong slptptr = change == ScalableCase.SlRootTableUnbacked ? TableBuilder.Unbacked : slRoot;
        var pasidEntry = PasidEntry.Create(Did, pgtt, slptptr, aw: 2, fpd == FpdAt.PasidEntry, present: change != ScalableCase.PasidEntryNotPresent);
        ushort sid = change == ScalableCase.MappedUpperDevfn ? (ushort)(Sid | 0x80) : Sid;
        bool withoutPasid = change is ScalableCase.MappedWithoutPasid or ScalableCase.RidPasidBeyondDirectory;
        uint lookedUp = withoutPasid ? 0x40u : Pasid; // requests without PASID use RID_PASID
        ScalableTables tables = builder.Scalable(sid, lookedUp, pasidEntry,
            pdts: 0, contextFpd: fpd == FpdAt.Context, paside: change != ScalableCase.PasidRequestWithoutPaside,
            ridPasid: change == ScalableCase.RidPasidBeyondDirectory ? 1u << 13 : 0x40u, directoryFpd: fpd == FpdAt.Directory);

        ulong Entry(int level) => builder.PathEntry(slRoot, Levels, Iova, level);
        void Or(ulong address, ulong bits) => builder.Write64(address, builder.Read64(address) | bits);
        void And(ulong address, ulong bits) => builder.Write64(address, builder.Read64(address) & bits);

        switch (change)
        {
            case ScalableCase.RootHalfNotPresent: And(tables.RootHalf, ~1UL); break;
            case ScalableCase.UpperHalfNotPresent: sid |= 0x80; break; // the builder made only the lower half present
            case ScalableCase.RootHalfReservedBit: Or(tables.RootHalf, 1UL << 4); break;
            case ScalableCase.RootHalfPointerAboveHaw: builder.Write64(tables.RootHalf, TableBuilder.HighRamBase | 1); break;
            case ScalableCase.ContextTableUnbacked: builder.Write64(tables.RootHalf, TableBuilder.Unbacked | 1); break;
            case ScalableCase.ContextEntryNotPresent: And(tables.ContextEntry, ~1UL); break;
            case ScalableCase.ContextEntryReservedBit: Or(tables.ContextEntry, 1UL << 6); break;
            case ScalableCase.ContextDteWithoutDt: Or(tables.ContextEntry, 1UL << 2); break;
            case ScalableCase.ContextUpperWordReserved: Or(tables.ContextEntry + 24, 1UL << (200 - 192)); break;
            case ScalableCase.DirectoryUnbacked:
                builder.Write64(tables.ContextEntry, ScalableContextEntry.Create(TableBuilder.Unbacked, 0, fpd == FpdAt.Context, paside: true).Word(0));
                break;
            case ScalableCase.DirectoryEntryNotPresent: And(tables.DirectoryEntry, ~1UL); break;
            case ScalableCase.DirectoryEntryReservedBit: Or(tables.DirectoryEntry, 1UL << 7); break;
            case ScalableCase.PasidTableUnbacked: builder.Write64(tables.DirectoryEntry, PasidDirectoryEntry.Create(TableBuilder.Unbacked, fpd == FpdAt.Directory).Raw); break;
            case ScalableCase.PasidEntryReservedBit: Or(tables.PasidEntry, 1UL << 10); break;
            case ScalableCase.PasidEntrySladeWithoutSlads: Or(tables.PasidEntry, 1UL << 9); break;
            case ScalableCase.SlLowerTableUnbacked: builder.Write64(Entry(3), SecondLevelPageTableEntry.Create(TableBuilder.Unbacked, true, true).Raw); break;
            case ScalableCase.SlEntryNotPresent: And(Entry(2), ~3UL); break;
            case ScalableCase.SlEntryReservedBit: Or(Entry(3), 1UL << 62); break;
        }

        uint? pasid = withoutPasid ? null : Pasid;
        DmaRequest request = change switch
        {
            ScalableCase.TranslationRequestWithoutDte => new DmaRequest(sid, Iova, DmaAccess.Read, AddressType.TranslationRequest, pasid),
            ScalableCase.PasidBeyondDirectory => new DmaRequest(sid, Iova, DmaAccess.Read, pasid: 1u << 13),
            ScalableCase.IovaBeyondWidth => new DmaRequest(sid, 1UL << 48, DmaAccess.Read, pasid: pasid),
            ScalableCase.PassThroughBeyondHaw => new DmaRequest(sid, 1UL << 46, DmaAccess.Read, pasid: pasid),
            ScalableCase.PassThroughInterruptRange => new DmaRequest(sid, 0xFEEF_F000, DmaAccess.Write, pasid: pasid),
            ScalableCase.WriteDenied => new DmaRequest(sid, Iova, DmaAccess.ReadWrite, pasid: pasid),
            _ => new DmaRequest(sid, Iova, DmaAccess.Read, pasid: pasid),
        };
        ulong rootTable = change == ScalableCase.RootTableUnbacked ? TableBuilder.Unbacked : tables.RootTable;
        return (new Translator(builder.Memory, TestParameters.Create(cap, ecap)), request, RootPointer.Scalable(rootTable));
    }
}
