using CsCheck;
using VtdEmu.Cli.Decoding;
using VtdEmu.Registers;

namespace VtdEmu.Cli.Tests.Decoding;

public sealed class ExtendedCapabilityDecoderTests
{
    /// <summary>QEMU intel-iommu's default ECAP (spec-notes/registers.md "Presets").</summary>
    private const ulong QemuEcap = 0x0000_0000_00F0_0F4A;

    // By hand from the ECAP field layout (VT-d spec §11.4.3): 0x4A in 7:0 -> QI (1), IR (3), PT (6);
    // 0x0F in 15:8 and 00 in 17:16 -> IRO = 0xF (IVA at 0xF0); 0xF in 23:20 -> MHMV = 15; nothing above.
    public static TheoryData<string, string, ulong> QemuFields => new()
    {
        { "C", "0", 0 },
        { "QI", "1", 1 },
        { "DT", "2", 0 },
        { "IR", "3", 1 },
        { "EIM", "4", 0 },
        { "PT", "6", 1 },
        { "SC", "7", 0 },
        { "IRO", "17:8", 0xF },
        { "MHMV", "23:20", 0xF },
        { "MTS", "25", 0 },
        { "NEST", "26", 0 },
        { "PRS", "29", 0 },
        { "ERS", "30", 0 },
        { "SRS", "31", 0 },
        { "NWFS", "33", 0 },
        { "EAFS", "34", 0 },
        { "PSS", "39:35", 0 },
        { "PASID", "40", 0 },
        { "DIT", "41", 0 },
        { "PDS", "42", 0 },
        { "SMTS", "43", 0 },
        { "VCS", "44", 0 },
        { "SLADS", "45", 0 },
        { "SLTS", "46", 0 },
        { "FLTS", "47", 0 },
        { "SMPWCS", "48", 0 },
        { "RPS", "49", 0 },
        { "PMS", "51", 0 },
        { "ADMS", "52", 0 },
        { "RPRIVS", "53", 0 },
    };

    [Theory]
    [MemberData(nameof(QemuFields))]
    public void Decode_QemuEcap_FieldMatchesRegistersTable(string field, string bits, ulong raw)
    {
        RegisterFieldRow row = Assert.Single(ExtendedCapabilityDecoder.Decode(QemuEcap), r => r.Field == field);

        Assert.Equal(bits, row.Bits);
        Assert.Equal(raw, row.Raw);
    }

    [Fact]
    public void Decode_QemuEcap_IroGivesIotlbRegisterOffsets()
    {
        Assert.Equal(
            "IVA_REG at offset 0xf0, IOTLB_REG at 0xf8",
            Assert.Single(ExtendedCapabilityDecoder.Decode(QemuEcap), r => r.Field == "IRO").Meaning);
    }

    [Fact]
    public void Decode_AnyValue_FieldsTileTheRegisterAndReassembleIt()
    {
        Gen.ULong.Sample(value => Assert.Equal(value, DecoderProperties.Reassemble(ExtendedCapabilityDecoder.Decode(value))));
    }

    [Fact]
    public void Decode_AnyValue_FieldsDoNotOverlapAndCoverEveryNonReservedBit()
    {
        Assert.Equal(~ExtendedCapabilityFields.ReservedMask, DecoderProperties.CoveredBits(ExtendedCapabilityDecoder.Decode(0)));
    }

    [Theory]
    [InlineData(0x0000_0000_0000_0020ul, "reserved bits set: 5 (hardware reports 0)")]
    [InlineData(0x0004_0000_1800_0000ul, "reserved bits set: 50, 28, 27 (hardware reports 0)")]
    [InlineData(0x8000_0000_0000_0000ul, "reserved bits set: 63 (hardware reports 0)")]
    public void Decode_ReservedBitsSet_NamesThem(ulong value, string meaning)
    {
        Assert.Equal(meaning, Assert.Single(ExtendedCapabilityDecoder.Decode(value), r => r.Field == "reserved").Meaning);
    }

    [Fact]
    public void Decode_Fields_AreTheCoreCapabilityFieldTable()
    {
        Assert.Equal(
            ExtendedCapabilityFields.All.Select(f => (f.Name, f.Msb, f.Lsb)),
            ExtendedCapabilityDecoder.Decode(0).Select(r => (r.Field, r.Msb, r.Lsb)));
    }
}
