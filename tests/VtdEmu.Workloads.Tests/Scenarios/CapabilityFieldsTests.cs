using System.Collections.Immutable;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

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
    /// bit's weight within the field, and no other field's accessor.
    /// </summary>
    private static void WalkingOnes(ImmutableArray<CapabilityField> fields, Func<string, ulong, ulong> accessor)
    {
        foreach (CapabilityField field in fields)
        {
            for (int bit = field.Lsb; bit <= field.Msb; bit++)
            {
                ulong value = 1UL << bit;
                foreach (CapabilityField other in fields)
                {
                    ulong expected = other == field ? 1UL << (bit - field.Lsb) : 0;
                    Assert.True(expected == accessor(other.Name, value), $"bit {bit}: {other.Name}");
                }
            }
        }
    }

    [Fact]
    public void Cap_EveryFieldMatchesCapabilityRegisterBitForBit() => WalkingOnes(CapabilityFields.Cap, CapAccessor);

    [Fact]
    public void Ecap_EveryFieldMatchesExtendedCapabilityRegisterBitForBit() => WalkingOnes(CapabilityFields.Ecap, EcapAccessor);

    [Theory]
    [InlineData(0x0800_0000_0000_0000ul, 0ul, "CAP.PI (bit 59) is not supported by the model")]
    [InlineData(0x0000_0000_0000_0C00ul, 0x0000_0000_0000_0600ul, "CAP.SAGAW (bits 12:8) is not supported by the model")]
    [InlineData(0x0000_0000_0000_2081ul, 0x1ul, "CAP.CM (bit 7), CAP reserved bit 13 are not supported by the model")]
    [InlineData(0x00D2_008C_2226_0206ul, ulong.MaxValue, null)]
    public void CheckHonoured_NamesEachRefusedField(ulong requested, ulong honoured, string? expected)
    {
        Assert.Equal(expected, CapabilityFields.CheckHonoured("CAP", CapabilityFields.Cap, requested, honoured));
    }

    [Fact]
    public void FieldAt_ReservedBit_IsNull()
    {
        Assert.Null(CapabilityFields.FieldAt(CapabilityFields.Ecap, 5));
        Assert.Equal("MHMV", CapabilityFields.FieldAt(CapabilityFields.Ecap, 21)?.Name);
    }
}
