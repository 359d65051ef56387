using VtdEmu.Faults;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorTests
{
    /// <summary>One change to a correctly built legacy-mode device (4-level, 4 KiB page at Iova → Hpa, RW).</summary>
    public enum LegacyCase
    {
        Mapped,
        RootTableUnbacked,
        RootTableAboveHaw,
        RootEntryNotPresent,
        RootEntryReservedBit,
        RootEntryHighWordReserved,
        RootEntryPointerAboveHaw,
        ContextTableUnbacked,
        ContextEntryNotPresent,
        ContextEntryReservedBit,
        ContextEntryHighWordReserved,
        ContextSlptptrAboveHaw,
        ContextTtReserved,
        ContextTtAllRequestsWithoutDt,
        ContextTtPassThroughWithoutPt,
        ContextAwReserved,
        ContextAwNotInSagaw,
        TranslationRequestWithTt00,
        TranslatedRequestWithTt00,
        TranslationRequestWithTt10,
        RequestWithPasid,
        IovaBeyondAgaw,
        IovaBeyondMgaw,
        SlRootTableUnbacked,
        SlLowerTableUnbacked,
        SlLeafNotPresentRead,
        SlLeafNotPresentWrite,
        SlPml4NotPresentRead,
        SlPdpeReadOnlyWrite,
        SlLeafWriteOnlyRead,
        SlPdeBit62,
        SlPdeBit11,
        SlPml4PageSize,
        SlLeafAddressAboveHaw,
        Sl2MiBMisaligned,
        Sl2MiBNotInSllps,
        OutputInInterruptRange,
        PassThrough,
        PassThroughBeyondHaw,
        PassThroughInterruptRange,
        TranslatedRequestWithDt,
        TranslatedRequestBeyondHaw,
    }

    public static TheoryData<LegacyCase, bool, FaultReason, bool> LegacyVectors { get; } = BuildLegacyVectors();

    [Theory]
    [MemberData(nameof(LegacyVectors))]
    public void Translate_LegacyVector_MatchesSpec(LegacyCase change, bool fpd, FaultReason expected, bool suppressed)
    {
        (Translator translator, DmaRequest request, RootPointer root) = Legacy(change, fpd);

        TranslationResult result = translator.Translate(request, root);

        Assert.Equal(expected, result.Fault);
        Assert.Equal(suppressed, result.Suppressed);
        Assert.Equal(expected == FaultReason.None, result.IsSuccess);
        if (expected == FaultReason.None)
        {
            ulong output = change switch
            {
                LegacyCase.PassThrough or LegacyCase.TranslatedRequestWithDt => Iova,
                _ => Hpa + (Iova & 0xFFF),
            };
            Assert.Equal(output, result.OutputAddress);
        }
    }

    private static TheoryData<LegacyCase, bool, FaultReason, bool> BuildLegacyVectors()
    {
        var data = new TheoryData<LegacyCase, bool, FaultReason, bool>();
        (LegacyCase Change, FaultReason Fault)[] cases =
        [
            (LegacyCase.Mapped, FaultReason.None),
            (LegacyCase.RootTableUnbacked, FaultReason.RootEntryAccessError),
            (LegacyCase.RootTableAboveHaw, FaultReason.RootEntryAccessError),
            (LegacyCase.RootEntryNotPresent, FaultReason.RootEntryNotPresent),
            (LegacyCase.RootEntryReservedBit, FaultReason.RootEntryReserved),
            (LegacyCase.RootEntryHighWordReserved, FaultReason.RootEntryReserved),
            (LegacyCase.RootEntryPointerAboveHaw, FaultReason.RootEntryReserved),
            (LegacyCase.ContextTableUnbacked, FaultReason.ContextEntryAccessError),
            (LegacyCase.ContextEntryNotPresent, FaultReason.ContextEntryNotPresent),
            (LegacyCase.ContextEntryReservedBit, FaultReason.ContextEntryReserved),
            (LegacyCase.ContextEntryHighWordReserved, FaultReason.ContextEntryReserved),
            (LegacyCase.ContextSlptptrAboveHaw, FaultReason.ContextEntryReserved),
            (LegacyCase.ContextTtReserved, FaultReason.ContextEntryInvalid),
            (LegacyCase.ContextTtAllRequestsWithoutDt, FaultReason.ContextEntryInvalid),
            (LegacyCase.ContextTtPassThroughWithoutPt, FaultReason.ContextEntryInvalid),
            (LegacyCase.ContextAwReserved, FaultReason.ContextEntryInvalid),
            (LegacyCase.ContextAwNotInSagaw, FaultReason.ContextEntryInvalid),
            (LegacyCase.TranslationRequestWithTt00, FaultReason.RequestTypeBlocked),
            (LegacyCase.TranslatedRequestWithTt00, FaultReason.RequestTypeBlocked),
            (LegacyCase.TranslationRequestWithTt10, FaultReason.RequestTypeBlocked),
            (LegacyCase.RequestWithPasid, FaultReason.PasidRequestInLegacyMode),
            (LegacyCase.IovaBeyondAgaw, FaultReason.AddressBeyondWidth),
            (LegacyCase.IovaBeyondMgaw, FaultReason.AddressBeyondWidth),
            (LegacyCase.SlRootTableUnbacked, FaultReason.ContextEntryInvalid),
            (LegacyCase.SlLowerTableUnbacked, FaultReason.PagingEntryAccessError),
            (LegacyCase.SlLeafNotPresentRead, FaultReason.ReadDenied),
            (LegacyCase.SlLeafNotPresentWrite, FaultReason.WriteDenied),
            (LegacyCase.SlPml4NotPresentRead, FaultReason.ReadDenied),
            (LegacyCase.SlPdpeReadOnlyWrite, FaultReason.WriteDenied),
            (LegacyCase.SlLeafWriteOnlyRead, FaultReason.ReadDenied),
            (LegacyCase.SlPdeBit62, FaultReason.PagingEntryReserved),
            (LegacyCase.SlPdeBit11, FaultReason.PagingEntryReserved),
            (LegacyCase.SlPml4PageSize, FaultReason.PagingEntryReserved),
            (LegacyCase.SlLeafAddressAboveHaw, FaultReason.PagingEntryReserved),
            (LegacyCase.Sl2MiBMisaligned, FaultReason.PagingEntryReserved),
            (LegacyCase.Sl2MiBNotInSllps, FaultReason.PagingEntryReserved),
            (LegacyCase.OutputInInterruptRange, FaultReason.OutputInInterruptRange),
            (LegacyCase.PassThrough, FaultReason.None),
            (LegacyCase.PassThroughBeyondHaw, FaultReason.AddressBeyondWidth),
            (LegacyCase.PassThroughInterruptRange, FaultReason.OutputInInterruptRange),
            (LegacyCase.TranslatedRequestWithDt, FaultReason.None),
            (LegacyCase.TranslatedRequestBeyondHaw, FaultReason.AddressBeyondWidth),
        ];
        foreach ((LegacyCase change, FaultReason fault) in cases)
        {
            // Every case runs with the context entry's FPD clear and set; only qualified faults are suppressed.
            data.Add(change, false, fault, false);
            data.Add(change, true, fault, fault != FaultReason.None && fault.IsQualified());
        }

        return data;
    }

    private static (Translator Translator, DmaRequest Request, RootPointer Root) Legacy(LegacyCase change, bool fpd)
    {
        var builder = new TableBuilder();
        ulong cap = change switch
        {
            LegacyCase.ContextAwNotInSagaw => TestParameters.Cap(sagaw: 0b00100),
            LegacyCase.IovaBeyondMgaw => TestParameters.Cap(mgaw: 38),
            LegacyCase.Sl2MiBNotInSllps => TestParameters.Cap(sllps: 0b10),
            _ => TestParameters.Cap(),
        };
        ulong ecap = change switch
        {
            LegacyCase.ContextTtPassThroughWithoutPt => TestParameters.DefaultEcap & ~TestParameters.PT,
            LegacyCase.TranslatedRequestWithDt or LegacyCase.TranslatedRequestBeyondHaw => TestParameters.DefaultEcap | TestParameters.DT,
            _ => TestParameters.DefaultEcap,
        };
        ulong hpa = change == LegacyCase.OutputInInterruptRange ? 0xFEE0_0000 : Hpa;
        ulong slRoot = builder.SecondLevel(Levels, (Iova & ~0xFFFUL, hpa, 0x1000, DmaAccess.ReadWrite));
        TranslationType tt = change switch
        {
            LegacyCase.PassThrough or LegacyCase.PassThroughBeyondHaw or LegacyCase.PassThroughInterruptRange
                or LegacyCase.ContextTtPassThroughWithoutPt or LegacyCase.TranslationRequestWithTt10 => TranslationType.PassThrough,
            LegacyCase.ContextTtAllRequestsWithoutDt or LegacyCase.TranslatedRequestWithDt or LegacyCase.TranslatedRequestBeyondHaw => TranslationType.AllRequests,
            LegacyCase.ContextTtReserved => TranslationType.Reserved,
            _ => TranslationType.UntranslatedOnly,
        };
        int aw = change switch { LegacyCase.ContextAwReserved => 4, LegacyCase.ContextAwNotInSagaw => 1, _ => 2 };
        ulong slptptr = change switch
        {
            LegacyCase.ContextSlptptrAboveHaw => TableBuilder.HighRamBase,
            LegacyCase.SlRootTableUnbacked => TableBuilder.Unbacked,
            _ => slRoot,
        };
        LegacyTables tables = builder.Legacy(Sid, ContextEntry.Create(Did, tt, slptptr, aw, fpd, present: change != LegacyCase.ContextEntryNotPresent));
        ulong rootTable = change switch
        {
            LegacyCase.RootTableUnbacked => TableBuilder.Unbacked,
            LegacyCase.RootTableAboveHaw => TableBuilder.HighRamBase,
            _ => tables.RootTable,
        };

        ulong Entry(int level) => builder.PathEntry(slRoot, Levels, Iova, level);
        void Or(ulong address, ulong bits) => builder.Write64(address, builder.Read64(address) | bits);
        void And(ulong address, ulong bits) => builder.Write64(address, builder.Read64(address) & bits);

        switch (change)
        {
            case LegacyCase.RootEntryNotPresent: And(tables.RootEntry, ~1UL); break;
            case LegacyCase.RootEntryReservedBit: Or(tables.RootEntry, 1UL << 3); break;
            case LegacyCase.RootEntryHighWordReserved: Or(tables.RootEntry + 8, 1UL << (100 - 64)); break;
            case LegacyCase.RootEntryPointerAboveHaw: builder.Write(tables.RootEntry, RootEntry.Create(TableBuilder.HighRamBase)); break;
            case LegacyCase.ContextTableUnbacked: builder.Write(tables.RootEntry, RootEntry.Create(TableBuilder.Unbacked)); break;
            case LegacyCase.ContextEntryReservedBit: Or(tables.ContextEntry, 1UL << 5); break;
            case LegacyCase.ContextEntryHighWordReserved: Or(tables.ContextEntry + 8, 1UL << (71 - 64)); break;
            case LegacyCase.SlLowerTableUnbacked: builder.Write64(Entry(4), SecondLevelPageTableEntry.Create(TableBuilder.Unbacked, true, true).Raw); break;
            case LegacyCase.SlLeafNotPresentRead or LegacyCase.SlLeafNotPresentWrite: And(Entry(1), ~3UL); break;
            case LegacyCase.SlPml4NotPresentRead: And(Entry(4), ~3UL); break;
            case LegacyCase.SlPdpeReadOnlyWrite: And(Entry(3), ~2UL); break;
            case LegacyCase.SlLeafWriteOnlyRead: And(Entry(1), ~1UL); break;
            case LegacyCase.SlPdeBit62: Or(Entry(2), 1UL << 62); break;
            case LegacyCase.SlPdeBit11: Or(Entry(2), 1UL << 11); break;
            case LegacyCase.SlPml4PageSize: Or(Entry(4), 1UL << 7); break;
            case LegacyCase.SlLeafAddressAboveHaw: Or(Entry(1), 1UL << 46); break;
            case LegacyCase.Sl2MiBMisaligned: builder.Write64(Entry(2), SecondLevelPageTableEntry.Create(0x4020_1000, true, true, pageSize: true).Raw); break;
            case LegacyCase.Sl2MiBNotInSllps: builder.Write64(Entry(2), SecondLevelPageTableEntry.Create(0x4020_0000, true, true, pageSize: true).Raw); break;
        }

        DmaRequest request = change switch
        {
            LegacyCase.TranslationRequestWithTt00 or LegacyCase.TranslationRequestWithTt10 => new DmaRequest(Sid, Iova, DmaAccess.Read, AddressType.TranslationRequest),
            LegacyCase.TranslatedRequestWithTt00 or LegacyCase.TranslatedRequestWithDt => new DmaRequest(Sid, Iova, DmaAccess.Read, AddressType.Translated),
            LegacyCase.TranslatedRequestBeyondHaw => new DmaRequest(Sid, 1UL << 46, DmaAccess.Read, AddressType.Translated),
            LegacyCase.RequestWithPasid => new DmaRequest(Sid, Iova, DmaAccess.Read, pasid: 1),
            LegacyCase.IovaBeyondAgaw => DmaRequest.Read(Sid, 1UL << 48),
            LegacyCase.IovaBeyondMgaw => DmaRequest.Read(Sid, 1UL << 40),
            LegacyCase.PassThroughBeyondHaw => DmaRequest.Read(Sid, 1UL << 46),
            LegacyCase.PassThroughInterruptRange => DmaRequest.Write(Sid, 0xFEE0_0040),
            LegacyCase.SlLeafNotPresentWrite or LegacyCase.SlPdpeReadOnlyWrite => DmaRequest.Write(Sid, Iova),
            _ => DmaRequest.Read(Sid, Iova),
        };
        return (new Translator(builder.Memory, TestParameters.Create(cap, ecap)), request, RootPointer.Legacy(rootTable));
    }
}
