using System.Buffers.Binary;
using CsCheck;
using VtdEmu.Dmar;

namespace VtdEmu.Tests.Dmar;

/// <summary>DMAR parsing (VT-d spec ch. 8, spec-notes/dmar.md) of hand-built tables, good and malformed.</summary>
public sealed class DmarTableTests
{
    private static byte[] TwoUnitTable() => new DmarBuilder(hawMinusOne: 45, flags: 0b011)
        .Drhd(0xFED9_0000, includeAll: false, DmarBuilder.Endpoint(0, 2, 0), DmarBuilder.Bridge(0, 0x1C, 0))
        .Drhd(0xFED9_1000, includeAll: true, DmarBuilder.Scope(3, 8, 0xF0, (0x1F, 0)), DmarBuilder.Scope(4, 0, 0xF0, (0x0F, 0)))
        .Rmrr(0x7C00_0000, 0x7C7F_FFFF, DmarBuilder.Endpoint(0, 0x14, 0))
        .Atsr(allPorts: false, DmarBuilder.Bridge(0, 0x1C, 0))
        .Rhsa(0xFED9_1000, 1)
        .Satc(required: true, DmarBuilder.Endpoint(0, 2, 0))
        .Raw(4, 0, 8, 0, 0, 0, 0, 1) // ANDD (type 4): skipped by its length
        .Build();

    [Fact]
    public void TryParse_HandBuiltTable_EveryStructure()
    {
        Assert.True(DmarTable.TryParse(TwoUnitTable(), out DmarTable table, out DmarError error), error.ToString());

        Assert.Equal(46, table.HostAddressWidth);
        Assert.True(table.InterruptRemapping);
        Assert.True(table.X2ApicOptOut);
        Assert.False(table.DmaControlOptIn);
        Assert.Equal("VTDEMU", table.OemId);
        Assert.Equal(2, table.Units.Count);

        DmarDrhd gpu = table.Units[0];
        Assert.False(gpu.IncludePciAll);
        Assert.Equal(0xFED9_0000UL, gpu.RegisterBase);
        Assert.Equal(DmarTable.HeaderLength, gpu.Offset);
        Assert.Equal([DeviceScopeType.PciEndpoint, DeviceScopeType.PciSubHierarchy], gpu.Scopes.Select(s => s.Type));
        Assert.Equal((ushort)0x0010, gpu.Scopes[0].SourceId);
        Assert.Equal((ushort)0x00E0, gpu.Scopes[1].SourceId);

        DmarDrhd rest = table.Units[1];
        Assert.True(rest.IncludePciAll);
        Assert.Equal(DeviceScopeType.IoApic, rest.Scopes[0].Type);
        Assert.Equal(8, rest.Scopes[0].EnumerationId);
        Assert.Equal(0xF0, rest.Scopes[0].StartBus);

        DmarRmrr region = Assert.Single(table.ReservedRegions);
        Assert.Equal((0x7C00_0000UL, 0x7C7F_FFFFUL), (region.Base, region.Limit));
        Assert.Equal((ushort)0x00A0, region.Scopes[0].SourceId);
        Assert.False(Assert.Single(table.AtsRootPorts).AllPorts);
        Assert.Equal((0xFED9_1000UL, 1u), (table.Affinities[0].RegisterBase, table.Affinities[0].ProximityDomain));
        Assert.True(Assert.Single(table.IntegratedAtcs).AtcRequired);
        Assert.Equal((ushort)4, Assert.Single(table.OtherStructures).Type);
    }

    [Fact]
    public void Describe_NamesEveryUnitAndScope()
    {
        Assert.True(DmarTable.TryParse(TwoUnitTable(), out DmarTable table, out _));

        string text = table.Describe();

        Assert.Contains("unit 0: DRHD at 0x30, registers 0xfed90000", text, StringComparison.Ordinal);
        Assert.Contains("INCLUDE_PCI_ALL", text, StringComparison.Ordinal);
        Assert.Contains("scope endpoint 00:02.0", text, StringComparison.Ordinal);
        Assert.Contains("scope ioapic 8 f0:1f.0", text, StringComparison.Ordinal);
        Assert.Contains("RMRR at", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceScope_MultiHopPath_HasNoDirectSourceId()
    {
        byte[] bytes = new DmarBuilder().Drhd(0xFED9_0000, false, DmarBuilder.Scope(1, 0, 0, (0x1C, 0), (0, 0))).Build();

        Assert.True(DmarTable.TryParse(bytes, out DmarTable table, out _));
        Assert.Null(table.Units[0].Scopes[0].SourceId);
        Assert.Equal(2, table.Units[0].Scopes[0].Path.Count);
    }

    public static TheoryData<string, int> Malformed() => new()
    {
        { "short", 20 },
        { "signature", 0 },
        { "length-too-big", 4 },
        { "checksum", 9 },
        { "structure-length-zero", 0x32 },
        { "structure-past-end", 0x32 },
        { "trailing-bytes", 0x30 },
        { "scope-length-odd", 0x41 },
        { "scope-past-structure", 0x41 },
        { "drhd-unaligned", 0x38 },
        { "rmrr-limit-below-base", 0x40 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryParse_Malformed_ReportsTheOffset(string defect, int offset)
    {
        byte[] bytes = Corrupt(defect);

        Assert.False(DmarTable.TryParse(bytes, out _, out DmarError error));
        Assert.Equal(offset, error.Offset);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void TryParse_RandomMutationsAndTruncations_NeverThrow()
    {
        byte[] good = TwoUnitTable();
        Gen.Select(Gen.Int[0, good.Length], Gen.Int[0, good.Length - 1].Array[0, 8], Gen.Byte.Array[8], Gen.Bool)
            .Sample(
                (cut, positions, values, fixChecksum) =>
                {
                    byte[] bytes = good.ToArray();
                    for (int i = 0; i < positions.Length; i++)
                    {
                        bytes[positions[i]] = values[i];
                    }

                    if (fixChecksum)
                    {
                        DmarBuilder.FixChecksum(bytes);
                    }

                    bytes = bytes[..cut];
                    if (!DmarTable.TryParse(bytes, out _, out DmarError error))
                    {
                        Assert.InRange(error.Offset, 0, bytes.Length);
                    }
                },
                seed: "0N0XIzNsQ0O2",
                iter: 3000);
    }

    private static byte[] Corrupt(string defect)
    {
        switch (defect)
        {
            case "short":
                return new byte[20];
            case "signature":
                byte[] wrong = new DmarBuilder().Build();
                wrong[0] = (byte)'X';
                DmarBuilder.FixChecksum(wrong);
                return wrong;
            case "length-too-big":
                byte[] longer = new DmarBuilder().Build();
                BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), 200);
                return longer;
            case "checksum":
                byte[] sum = new DmarBuilder().Build();
                sum[9] = unchecked((byte)(sum[9] + 1));
                return sum;
            case "structure-length-zero":
                return new DmarBuilder().Raw(0, 0, 0, 0).Build();
            case "structure-past-end":
                return new DmarBuilder().Raw(0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).Build();
            case "trailing-bytes":
                return new DmarBuilder().Raw(1, 2).Build();
            case "scope-length-odd":
                return new DmarBuilder().Drhd(0xFED9_0000, false, [1, 7, 0, 0, 0, 0, 2]).Build();
            case "scope-past-structure":
                return new DmarBuilder().Drhd(0xFED9_0000, false, [1, 10, 0, 0, 0, 0, 2, 0]).Build();
            case "drhd-unaligned":
                return new DmarBuilder().Drhd(0xFED9_0800, false).Build();
            default:
                return new DmarBuilder().Rmrr(0x2000, 0x1FFF).Build();
        }
    }
}
