using System.Collections.Immutable;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

/// <summary>The CAP/ECAP field tables against the register accessors and the spec's reserved bits (VT-d spec §11.4.2, §11.4.3).</summary>
public sealed class CapabilityFieldsTests
{
    /// <summary>Each CAP field read through <see cref="CapabilityRegister"/> with only that field's bits set.</summary>
    private static ulong CapAccessor(string name, ulong value)
    {
        var cap = new CapabilityRegister(value);
        return name switch
        {
            "ND" => (ulong)cap.ND, "AFL" => B(cap.AFL), "RWBF" => B(cap.RWBF), "PLMR" => B(cap.PLMR), "PHMR" => B(cap.PHMR),
            "CM" => B(cap.CM), "SAGAW" => (ulong)cap.SAGAW, "MGAW" => (ulong)cap.MGAW, "ZLR" => B(cap.ZLR),
            "FRO" => (ulong)cap.FRO, "SLLPS" => (ulong)cap.SLLPS, "PSI" => B(cap.PSI), "NFR" => (ulong)cap.NFR,
            "MAMV" => (ulong)cap.MAMV, "DWD" => B(cap.DWD), "DRD" => B(cap.DRD), "FL1GP" => B(cap.FL1GP), "PI" => B(cap.PI),
            "FL5LP" => B(cap.FL5LP), "ECMDS" => B(cap.ECMDS), "ESIRTPS" => B(cap.ESIRTPS), "ESRTPS" => B(cap.ESRTPS),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static ulong EcapAccessor(string name, ulong value)
    {
        var ecap = new ExtendedCapabilityRegister(value);
        return name switch
        {
            "C" => B(ecap.Coherent), "QI" => B(ecap.QI), "DT" => B(ecap.DT), "IR" => B(ecap.IR), "EIM" => B(ecap.EIM),
            "PT" => B(ecap.PT), "SC" => B(ecap.SC), "IRO" => (ulong)ecap.IRO, "MHMV" => (ulong)ecap.MHMV, "MTS" => B(ecap.MTS),
            "NEST" => B(ecap.NEST), "PRS" => B(ecap.PRS), "ERS" => B(ecap.ERS), "SRS" => B(ecap.SRS), "NWFS" => B(ecap.NWFS),
            "EAFS" => B(ecap.EAFS), "PSS" => (ulong)ecap.PSS, "PASID" => B(ecap.PASID), "DIT" => B(ecap.DIT), "PDS" => B(ecap.PDS),
            "SMTS" => B(ecap.SMTS), "VCS" => B(ecap.VCS), "SLADS" => B(ecap.SLADS), "SLTS" => B(ecap.SLTS), "FLTS" => B(ecap.FLTS),
            "SMPWCS" => B(ecap.SMPWCS), "RPS" => B(ecap.RPS), "PMS" => B(ecap.PMS), "ADMS" => B(ecap.ADMS), "RPRIVS" => B(ecap.RPRIVS),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static ulong B(bool value) => value ? 1UL : 0UL;

    /// <summary>
    /// Walking ones: setting any single bit of a field moves exactly that field's accessor, to the
    /// bit's weight within the field, and no other field's accessor; a reserved bit moves none.
    /// </summary>
    private static void WalkingOnes(ImmutableArray<RegisterField> fields, Func<string, ulong, ulong> accessor)
    {
        for (int bit = 0; bit < 64; bit++)
        {
            ulong value = 1UL << bit;
            RegisterField? owner = RegisterField.At(fields, bit);
            foreach (RegisterField field in fields)
            {
                ulong expected = field == owner ? 1UL << (bit - field.Lsb) : 0;
                Assert.True(expected == accessor(field.Name, value), $"bit {bit}: {field.Name}");
                Assert.Equal(expected, field.Get(value));
            }
        }
    }

    [Fact]
    public void Cap_EveryFieldMatchesCapabilityRegisterBitForBit() => WalkingOnes(CapabilityFields.All, CapAccessor);

    [Fact]
    public void Ecap_EveryFieldMatchesExtendedCapabilityRegisterBitForBit() => WalkingOnes(ExtendedCapabilityFields.All, EcapAccessor);

    [Fact]
    public void ReservedMask_Cap_Bits15To13_23_38_58To57()
    {
        Assert.Equal(0x0600_0040_0080_E000UL, CapabilityFields.ReservedMask);
    }

    [Fact]
    public void ReservedMask_Ecap_Bits5_19To18_24_27_28_32_50_63To54()
    {
        Assert.Equal(0xFFC4_0001_190C_0020UL, ExtendedCapabilityFields.ReservedMask);
    }

    [Fact]
    public void Tables_InBitOrder_NoOverlap_SpecSectionAndDescriptionOnEveryRow()
    {
        foreach ((ImmutableArray<RegisterField> fields, string section) in new[] { (CapabilityFields.All, "§11.4.2"), (ExtendedCapabilityFields.All, "§11.4.3") })
        {
            for (int i = 0; i < fields.Length; i++)
            {
                Assert.Equal(section, fields[i].Section);
                Assert.False(string.IsNullOrWhiteSpace(fields[i].Description), fields[i].Name);
                Assert.True(fields[i].Msb >= fields[i].Lsb, fields[i].Name);
                Assert.True(i == 0 || fields[i].Lsb > fields[i - 1].Msb, fields[i].Name);
            }
        }
    }

    [Fact]
    public void At_ReservedBit_IsNull()
    {
        Assert.Null(RegisterField.At(ExtendedCapabilityFields.All, 5));
        Assert.Equal("MHMV", RegisterField.At(ExtendedCapabilityFields.All, 21)?.Name);
    }

    [Fact]
    public void With_TruncatesToTheFieldWidth()
    {
        Assert.Equal(0x2UL << 8, CapabilityFields.SAGAW.With(0, 0x22));
        Assert.Equal(5, CapabilityFields.SAGAW.Width);
        Assert.Equal("PI (bit 59)", CapabilityFields.PI.ToString());
        Assert.Equal("SAGAW (bits 12:8)", CapabilityFields.SAGAW.ToString());
    }
}
