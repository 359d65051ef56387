using CsCheck;
using VtdEmu.Cli.Decoding;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Tests.Decoding;

public sealed class CapabilityDecoderTests
{
    /// <summary>QEMU intel-iommu's CAP with aw-bits=39 (spec-notes/registers.md "Presets").</summary>
    private const ulong QemuCap = 0x00D2_008C_2226_0206;

    // Expected field values worked out by hand from the CAP field layout (VT-d spec §11.4.2):
    // 0x...0206 -> ND 2:0 = 6, SAGAW 12:8 = 0x02 (bit 9: 39-bit, 3-level);
    // 0x..26.... -> MGAW 21:16 = 0x26 = 38 (39-bit), ZLR 22 = 0; 0x22 in 31:24 and 00 in 33:32 -> FRO = 0x22;
    // 0x8C in 39:32 -> SLLPS 37:34 = 0x3 (2 MiB, 1 GiB), PSI 39 = 1; 0x00 in 47:40 -> NFR = 0;
    // 0xD2 in 55:48 -> MAMV 53:48 = 0x12 = 18, DWD 54 = 1, DRD 55 = 1.
    public static TheoryData<string, string, ulong, string> QemuFields => new()
    {
        { "ND", "2:0", 0x6, "65536 domain IDs (16-bit DID)" },
        { "AFL", "3", 0, "advanced fault logging" },
        { "RWBF", "4", 0, "required write-buffer flushing" },
        { "PLMR", "5", 0, "protected low-memory region" },
        { "PHMR", "6", 0, "protected high-memory region" },
        { "CM", "7", 0, "caching mode (not-present and erroneous entries may be cached)" },
        { "SAGAW", "12:8", 0x2, "39-bit 3-level" },
        { "MGAW", "21:16", 0x26, "39-bit maximum guest address width" },
        { "ZLR", "22", 0, "zero-length reads to write-only pages" },
        { "FRO", "33:24", 0x22, "fault recording registers at offset 0x220" },
        { "SLLPS", "37:34", 0x3, "large pages: 2-MiB, 1-GiB" },
        { "PSI", "39", 1, "page-selective invalidation" },
        { "NFR", "47:40", 0x0, "1 fault recording register" },
        { "MAMV", "53:48", 0x12, "address mask up to 18 (2^18 pages per page-selective invalidation)" },
        { "DWD", "54", 1, "write draining" },
        { "DRD", "55", 1, "read draining" },
        { "FL1GP", "56", 0, "first-level 1-GiB pages" },
        { "PI", "59", 0, "posted interrupts" },
        { "FL5LP", "60", 0, "first-level 5-level paging" },
        { "ECMDS", "61", 0, "enhanced command support" },
        { "ESIRTPS", "62", 0, "SIRTP also invalidates the interrupt-entry cache" },
        { "ESRTPS", "63", 0, "SRTP also invalidates all DMA-remapping caches" },
    };

    [Theory]
    [MemberData(nameof(QemuFields))]
    public void Decode_QemuCap_FieldMatchesRegistersTable(string field, string bits, ulong raw, string meaning)
    {
        RegisterFieldRow row = Assert.Single(CapabilityDecoder.Decode(QemuCap), r => r.Field == field);

        Assert.Equal(bits, row.Bits);
        Assert.Equal(raw, row.Raw);
        Assert.Equal(meaning, row.Meaning);
    }

    [Fact]
    public void Decode_QemuCap_HasNoReservedRow()
    {
        Assert.DoesNotContain(CapabilityDecoder.Decode(QemuCap), r => r.Field == "reserved");
    }

    [Theory]
    [InlineData(0x0000_0000_0000_2000ul, "reserved bits set: 13 (hardware reports 0)")]
    [InlineData(0x0000_0040_0080_0000ul, "reserved bits set: 38, 23 (hardware reports 0)")]
    [InlineData(0x0600_0000_0000_0000ul, "reserved bits set: 58, 57 (hardware reports 0)")]
    public void Decode_ReservedBitsSet_NamesThem(ulong value, string meaning)
    {
        RegisterFieldRow row = Assert.Single(CapabilityDecoder.Decode(value), r => r.Field == "reserved");

        Assert.Equal(meaning, row.Meaning);
    }

    [Fact]
    public void Decode_AnyValue_FieldsTileTheRegisterAndReassembleIt()
    {
        Gen.ULong.Sample(value => Assert.Equal(value, DecoderProperties.Reassemble(CapabilityDecoder.Decode(value))));
    }

    [Fact]
    public void Decode_AnyValue_FieldsDoNotOverlapAndCoverEveryNonReservedBit()
    {
        Assert.Equal(~CapabilityFields.ReservedMask, DecoderProperties.CoveredBits(CapabilityDecoder.Decode(0)));
    }

    [Theory]
    [InlineData(0ul, "16 domain IDs (4-bit DID)")]
    [InlineData(2ul, "256 domain IDs (8-bit DID)")]
    [InlineData(7ul, "reserved encoding")]
    public void Decode_ND_GivesDomainCount(ulong nd, string meaning)
    {
        Assert.Equal(meaning, CapabilityDecoder.Decode(nd)[0].Meaning);
    }

    [Theory]
    [InlineData(0x0000ul, "no address width supported")]
    [InlineData(0x0600ul, "39-bit 3-level, 48-bit 4-level")]
    [InlineData(0x1F00ul, "30-bit 2-level (reserved), 39-bit 3-level, 48-bit 4-level, 57-bit 5-level, 64-bit 6-level (reserved)")]
    public void Decode_SAGAW_ListsEachAdvertisedWidth(ulong value, string meaning)
    {
        Assert.Equal(meaning, Assert.Single(CapabilityDecoder.Decode(value), r => r.Field == "SAGAW").Meaning);
    }

    [Fact]
    public void Decode_Fields_AreTheCoreCapabilityFieldTable()
    {
        Assert.Equal(
            CapabilityFields.All.Select(f => (f.Name, f.Msb, f.Lsb)),
            CapabilityDecoder.Decode(0).Select(r => (r.Field, r.Msb, r.Lsb)));
    }
}
