using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>The precomputed reserved-bit masks follow the SL entry table (VT-d §9.8; spec-notes/translation.md §3).</summary>
public sealed class TranslationParametersTests
{
    private const ulong Bit7 = 1UL << 7;
    private const ulong Bit11 = 1UL << 11;
    private const ulong Bit62 = 1UL << 62;

    [Theory]
    [InlineData(0b00, true, true)]
    [InlineData(0b01, false, true)]
    [InlineData(0b10, true, false)]
    [InlineData(0b11, false, false)]
    public void LeafEntryReserved_LargePages_Bit7ReservedOnlyWithoutSllps(int sllps, bool twoMiBReserved, bool oneGiBReserved)
    {
        TranslationParameters parameters = TestParameters.Create(TestParameters.Cap(sllps: sllps));

        Assert.Equal(twoMiBReserved, (parameters.LeafEntryReserved(2) & Bit7) != 0);
        Assert.Equal(oneGiBReserved, (parameters.LeafEntryReserved(3) & Bit7) != 0);
        Assert.NotEqual(0UL, parameters.LeafEntryReserved(4) & Bit7);
        Assert.NotEqual(0UL, parameters.LeafEntryReserved(5) & Bit7);
        Assert.Equal(0UL, parameters.LeafEntryReserved(1) & Bit7); // PTE bit 7 is ignored
    }

    [Fact]
    public void LeafEntryReserved_SupportedLargePages_ReserveMisalignedAddressBits()
    {
        TranslationParameters parameters = TestParameters.Create();

        Assert.Equal(0x1F_F000UL, parameters.LeafEntryReserved(2) & 0x3FFF_F000);
        Assert.Equal(0x3FFF_F000UL, parameters.LeafEntryReserved(3) & 0x3FFF_F000);
        Assert.Equal(0UL, parameters.LeafEntryReserved(1) & 0x3FFF_F000);
    }

    [Theory]
    [InlineData(46, 0x000F_C000_0000_0000UL)]
    [InlineData(39, 0x000F_FF80_0000_0000UL)]
    [InlineData(52, 0UL)]
    public void EntryReserved_AddressBitsFromHawTo51(int haw, ulong expected)
    {
        TranslationParameters parameters = TestParameters.Create(haw: haw);

        for (int level = 1; level <= 5; level++)
        {
            Assert.Equal(expected, parameters.LeafEntryReserved(level) & 0x000F_FFFF_FFFF_F000 & ~0x3FFF_F000UL);
        }

        for (int level = 2; level <= 5; level++)
        {
            Assert.Equal(expected, parameters.TableEntryReserved(level) & 0x000F_FFFF_FFFF_F000);
        }
    }

    [Theory]
    [InlineData(0UL, true, true)]
    [InlineData(TestParameters.SC, false, true)]
    [InlineData(TestParameters.DT, true, false)]
    public void LeafEntryReserved_SnpAndTm_DependOnScAndDt(ulong extra, bool bit11Reserved, bool bit62Reserved)
    {
        TranslationParameters parameters = TestParameters.Create(ecap: TestParameters.DefaultEcap | extra);

        Assert.Equal(bit11Reserved, (parameters.LeafEntryReserved(1) & Bit11) != 0);
        Assert.Equal(bit62Reserved, (parameters.LeafEntryReserved(1) & Bit62) != 0);
        Assert.NotEqual(0UL, parameters.TableEntryReserved(2) & Bit11); // non-leaf: always reserved
        Assert.NotEqual(0UL, parameters.TableEntryReserved(3) & Bit62);
    }

    [Theory]
    [InlineData(56, 3, 39)]
    [InlineData(56, 4, 48)]
    [InlineData(56, 5, 57)]
    [InlineData(38, 4, 39)]
    [InlineData(47, 5, 48)]
    public void InputWidth_IsMinOfAgawAndMgawPlusOne(int mgaw, int levels, int expected) =>
        Assert.Equal(expected, TestParameters.Create(TestParameters.Cap(mgaw: mgaw)).InputWidth(levels));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void SupportsAw_OnlyWalkableEncodingsInSagaw(int aw, bool expected) =>
        Assert.Equal(expected, TestParameters.Create(TestParameters.Cap(sagaw: 0b11111)).SupportsAw(aw));
}
