using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// Conformance vectors for the whole translate path. Each row starts from one correctly built
/// device (tables in guest memory), changes one thing, and names the spec's outcome
/// (VT-d spec §9, §7.1.3; spec-notes/tables.md, spec-notes/faults.md for the check order).
/// </summary>
public sealed partial class TranslatorTests
{
    private const ushort Sid = 0x0310;
    private const ushort Did = 42;
    private const ulong Iova = 0x12_3456_7ABC;
    private const ulong Hpa = 0x2345_6000;
    private const int Levels = 4;

    [Theory]
    [InlineData(false, 1, 0x1000UL, DmaAccess.Read)]
    [InlineData(false, 2, 0x1000UL, DmaAccess.Write)]
    [InlineData(false, 3, 0x1000UL, DmaAccess.ReadWrite)]
    [InlineData(false, 1, 0x20_0000UL, DmaAccess.Read)]
    [InlineData(false, 2, 0x20_0000UL, DmaAccess.Write)]
    [InlineData(false, 3, 0x4000_0000UL, DmaAccess.Read)]
    [InlineData(false, 2, 0x4000_0000UL, DmaAccess.ReadWrite)]
    [InlineData(true, 1, 0x1000UL, DmaAccess.Read)]
    [InlineData(true, 2, 0x1000UL, DmaAccess.Write)]
    [InlineData(true, 3, 0x1000UL, DmaAccess.ReadWrite)]
    [InlineData(true, 2, 0x20_0000UL, DmaAccess.Read)]
    [InlineData(true, 3, 0x20_0000UL, DmaAccess.Write)]
    [InlineData(true, 1, 0x4000_0000UL, DmaAccess.Read)]
    [InlineData(true, 3, 0x4000_0000UL, DmaAccess.ReadWrite)]
    public void Translate_MappedPage_ReturnsPageOffsetAndDomain(bool scalable, int aw, ulong pageSize, DmaAccess access)
    {
        var builder = new TableBuilder();
        int levels = aw + 2;
        ulong iova = levels == 3 ? 0x7F_8000_0000UL : 0x1FF_C000_0000UL; // indexes 510/511 exercise the high slots
        const ulong hpa = 0x800_0000_0000; // 1 GiB aligned, below the 46-bit HAW
        ulong slRoot = builder.SecondLevel(levels, (iova, hpa, pageSize, DmaAccess.ReadWrite));
        RootPointer root = scalable
            ? RootPointer.Scalable(builder.Scalable(Sid, 0, PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, slRoot, aw)).RootTable)
            : RootPointer.Legacy(builder.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, aw)).RootTable);
        var translator = new Translator(builder.Memory, TestParameters.Create());
        ulong offset = (pageSize - 1) & 0x2_3456_789A;

        TranslationResult result = translator.Translate(new DmaRequest(Sid, iova + offset, access), root);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(hpa + offset, result.OutputAddress);
        Assert.Equal(pageSize, result.PageSize);
        Assert.True(result.Read && result.Write);
        Assert.Equal(Did, result.Did);
        int leafLevel = pageSize switch { 0x1000 => 1, 0x20_0000 => 2, _ => 3 };
        int contextReads = scalable ? 4 : 2;
        Assert.Equal(contextReads + levels - leafLevel + 1, result.TableReads);
    }

    [Theory]
    [InlineData(TranslationTableMode.Reserved, FaultReason.InvalidTranslationTableMode, false)]
    [InlineData(TranslationTableMode.AbortDma, FaultReason.None, true)]
    public void Translate_TtmReservedOrAbortDma_FaultsOrAbortsWithoutRecord(TranslationTableMode ttm, FaultReason expected, bool aborted)
    {
        var builder = new TableBuilder();
        var translator = new Translator(builder.Memory, TestParameters.Create());

        TranslationResult result = translator.Translate(DmaRequest.Read(Sid, Iova), new RootPointer(builder.AllocatePage(), ttm));

        Assert.Equal(expected, result.Fault);
        Assert.Equal(aborted, result.Aborted);
        Assert.False(result.IsSuccess);
        Assert.Equal(0, result.TableReads);
    }

    [Theory]
    [InlineData(TranslationTableMode.Scalable, TestParameters.SMTS)] // scalable mode without ECAP.SMTS
    [InlineData(TranslationTableMode.AbortDma, TestParameters.ADMS)] // abort-DMA mode without ECAP.ADMS
    public void Translate_TtmWithoutCapability_RaisesRta1(TranslationTableMode ttm, ulong missingCapability)
    {
        var builder = new TableBuilder();
        var translator = new Translator(builder.Memory, TestParameters.Create(ecap: TestParameters.DefaultEcap & ~missingCapability));

        TranslationResult result = translator.Translate(DmaRequest.Read(Sid, Iova), new RootPointer(builder.AllocatePage(), ttm));

        Assert.Equal(FaultReason.InvalidTranslationTableMode, result.Fault);
        Assert.False(result.Suppressed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Translate_NotPresentContextEntryWithReservedBits_ReportsNotPresentWithOwnFpd(bool scalable)
    {
        var builder = new TableBuilder();
        RootPointer root;
        if (scalable)
        {
            ScalableTables tables = builder.Scalable(Sid, 0, PasidEntry.Create(Did, PasidGranularTranslationType.SecondLevel, 0, 2));
            builder.Write64(tables.ContextEntry, 0b10 | (1UL << 6)); // P=0, FPD=1, reserved bit 6
            builder.Write64(tables.ContextEntry + 24, ulong.MaxValue); // reserved bits 255:192
            root = RootPointer.Scalable(tables.RootTable);
        }
        else
        {
            LegacyTables tables = builder.Legacy(Sid, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, 0, 2));
            builder.Write64(tables.ContextEntry, 0b10 | (1UL << 5)); // P=0, FPD=1, reserved bit 5
            builder.Write64(tables.ContextEntry + 8, ulong.MaxValue); // reserved bits 127:88
            root = RootPointer.Legacy(tables.RootTable);
        }

        var translator = new Translator(builder.Memory, TestParameters.Create());

        TranslationResult result = translator.Translate(DmaRequest.Read(Sid, Iova), root);

        Assert.Equal(scalable ? FaultReason.ScalableContextEntryNotPresent : FaultReason.ContextEntryNotPresent, result.Fault);
        Assert.True(result.Suppressed);
        Assert.False(result.IsSuccess);
        Assert.False(result.ShouldRecord);
    }
}
