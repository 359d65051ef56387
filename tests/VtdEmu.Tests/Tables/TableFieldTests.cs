using VtdEmu.Tables;

namespace VtdEmu.Tests.Tables;

/// <summary>
/// Each accessor reads exactly the spec's bits (tables.md / VT-d §9): a field is checked with all
/// its bits set and with all other bits set, so a wrong msb or lsb fails.
/// </summary>
public sealed class TableFieldTests
{
    [Fact]
    public void ContextEntry_Fields_AreAtSpecBits()
    {
        var only = new ContextEntry(0, (0xFFFFUL << (72 - 64)) | (0b111UL << (64 - 64)));
        var others = new ContextEntry(~0UL & ~0xFUL, ~((0xFFFFUL << 8) | 0b111UL));

        Assert.Equal(0xFFFF, only.DID);
        Assert.Equal(7, only.AW);
        Assert.Equal(0, others.DID);
        Assert.Equal(0, others.AW);
        Assert.False(others.Present);
        Assert.False(others.FPD);
        Assert.Equal(TranslationType.UntranslatedOnly, others.TT);
        Assert.Equal(0xFFFF_FFFF_FFFF_F000UL, others.SLPTPTR);
        Assert.Equal(TranslationType.PassThrough, new ContextEntry(0b1000, 0).TT);
    }

    [Fact]
    public void ContextEntry_Create_SetsOnlyNamedFields()
    {
        var entry = ContextEntry.Create(did: 0xBEEF, TranslationType.AllRequests, slptptr: 0x1234_5000, aw: 3, fpd: true);

        Assert.Equal(0x1234_5000UL | 0b0111, entry.Low);
        Assert.Equal((0xBEEFUL << 8) | 3, entry.High);
    }

    [Fact]
    public void ScalableRootEntry_Halves_AreAtSpecBits()
    {
        var entry = ScalableRootEntry.Create(0xAAAA_A000, lowerPresent: true, 0xBBBB_B000, upperPresent: false);

        Assert.True(entry.LP);
        Assert.False(entry.UP);
        Assert.Equal(0xAAAA_A000UL, entry.LCTP);
        Assert.Equal(0xBBBB_B000UL, entry.UCTP);
        Assert.Equal(0xBBBB_B000UL, entry.High); // UCTP 127:76 is bits 63:12 of the high word
    }

    [Fact]
    public void ScalableContextEntry_Fields_AreAtSpecBits()
    {
        ulong[] words = [(7UL << 9) | 0b11111 | 0xABC_D000, (1UL << (84 - 64)) | 0xF_FFFF, 0, 0];
        var entry = new ScalableContextEntry(words);

        Assert.True(entry.Present && entry.FPD && entry.DTE && entry.PASIDE && entry.PRE);
        Assert.Equal(7, entry.PDTS);
        Assert.Equal(0xABC_D000UL, entry.PASIDDIRPTR);
        Assert.Equal(0xF_FFFFu, entry.RID_PASID);
        Assert.True(entry.RID_PRIV);
    }

    [Fact]
    public void PasidEntry_Fields_AreAtSpecBits()
    {
        ulong[] words = new ulong[8];
        words[0] = (0b100UL << 6) | (0b011UL << 2) | (1UL << 9) | 0x5555_5000 | 0b11;
        words[1] = 0xCAFE | (1UL << (87 - 64)) | (1UL << (88 - 64));
        words[2] = 1 | (0b01UL << 2) | (1UL << 4) | (1UL << 7) | 0x7777_7000;
        var entry = new PasidEntry(words);

        Assert.True(entry.Present && entry.FPD && entry.SLADE && entry.PWSNP && entry.PGSNP);
        Assert.Equal(3, entry.AW);
        Assert.Equal(PasidGranularTranslationType.PassThrough, entry.PGTT);
        Assert.Equal(0x5555_5000UL, entry.SLPTPTR);
        Assert.Equal(0xCAFE, entry.DID);
        Assert.True(entry.SRE && entry.WPE && entry.EAFE);
        Assert.False(entry.ERE);
        Assert.Equal(1, entry.FLPM);
        Assert.Equal(0x7777_7000UL, entry.FLPTPTR);
    }

    [Fact]
    public void SecondLevelPageTableEntry_Fields_AreAtSpecBits()
    {
        var entry = new SecondLevelPageTableEntry(0xFFF0_0000_0000_0000 | 0x000A_BCDE_F012_3000 | (1UL << 7) | (1UL << 11) | 0b010);

        Assert.False(entry.Read);
        Assert.True(entry.Write);
        Assert.True(entry.PS);
        Assert.True(entry.SNP);
        Assert.True(entry.TM);
        Assert.Equal(0x000A_BCDE_F012_3000UL, entry.ADDR);
        Assert.Equal(entry.Raw, SecondLevelPageTableEntry.Create(0, false, false).Raw | entry.Raw);
    }

    [Fact]
    public void PasidDirectoryEntry_Fields_AreAtSpecBits()
    {
        var entry = PasidDirectoryEntry.Create(0x9_8765_4000, fpd: true);

        Assert.Equal(0x9_8765_4000UL | 0b11, entry.Raw);
        Assert.Equal(0x9_8765_4000UL, entry.SMPTBLPTR);
    }
}
