using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

public sealed class RegisterLayoutTests
{
    public static TheoryData<string> PresetNames => ["qemu", "qemu-sm", "broadwell", "sapphire-rapids"];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Build_Rows_OrderedAlignedDisjointWithConsistentMasks(string preset)
    {
        UnitConfiguration configuration = UnitConfiguration.FindPreset(preset)!;
        RegisterRow[] rows = RegisterLayout.Build(configuration);
        int length = RegisterLayout.BlockLength(configuration);
        for (int i = 0; i < rows.Length; i++)
        {
            RegisterRow row = rows[i];
            Assert.True(row.Width is 4 or 8, row.Name);
            Assert.Equal(0, row.Offset % row.Width);
            Assert.True(row.Offset + row.Width <= length, row.Name);
            Assert.True(i == 0 || rows[i - 1].Offset + rows[i - 1].Width <= row.Offset, row.Name);
            Assert.True((row.RwMask & row.Rw1cMask) == 0, row.Name);
            Assert.True((row.WoMask & (row.RwMask | row.Rw1cMask)) == 0, row.Name);
            ulong widthMask = row.Width == 8 ? ulong.MaxValue : uint.MaxValue;
            Assert.True(((row.RwMask | row.Rw1cMask | row.WoMask | row.Reset) & ~widthMask) == 0, row.Name);
        }
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Build_EveryIssueRegister_HasARow(string preset)
    {
        UnitConfiguration configuration = UnitConfiguration.FindPreset(preset)!;
        HashSet<string> names = [.. RegisterLayout.Build(configuration).Select(r => r.Name)];
        string[] required =
        [
            "VER", "CAP", "ECAP", "GCMD", "GSTS", "RTADDR", "CCMD", "FSTS", "FECTL", "FEDATA", "FEADDR", "FEUADDR",
            "AFLOG", "PMEN", "PLMBASE", "PLMLIMIT", "PHMBASE", "PHMLIMIT", "IQH", "IQT", "IQA", "ICS", "IECTL",
            "IEDATA", "IEADDR", "IEUADDR", "IQERCD", "IRTA", "PQH", "PQT", "PQA", "PRS", "PECTL", "PEDATA", "PEADDR",
            "PEUADDR", "IVA", "IOTLB",
        ];
        Assert.Empty(required.Except(names));
        int records = configuration.Capability.FaultRecordingCount;
        Assert.Equal(2 * records, names.Count(n => n.StartsWith("FRCD", StringComparison.Ordinal)));
        Assert.Equal(configuration.ExtendedCapability.MTS, names.Contains("MTRRCAP"));
    }

    [Fact]
    public void Build_IotlbRow_AtIroTimes16PlusEight()
    {
        RegisterRow[] rows = RegisterLayout.Build(UnitConfiguration.Broadwell);
        Assert.Equal(0x208, rows.Single(r => r.Name == "IOTLB").Offset);
        Assert.Equal(0x170, rows.Single(r => r.Name == "FRCD7_LO").Offset);
    }
}
