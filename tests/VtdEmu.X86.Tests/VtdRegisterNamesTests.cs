using VtdEmu.Registers;
using VtdEmu.Tests.X86.TestDoubles;
using VtdEmu.X86;

namespace VtdEmu.Tests.X86;

public sealed class VtdRegisterNamesTests
{
    // CAP.FRO = 0x22 (FRCD[0] at 0x220), CAP.NFR = 3 (four records); ECAP.IRO = 0x0F (IVA at 0xF0, IOTLB at 0xF8).
    private const ulong Cap = (0x22UL << 24) | (3UL << 40);
    private const ulong Ecap = 0x0FUL << 8;

    private readonly VtdRegisterNames _names = new(new CapabilityRegister(Cap), new ExtendedCapabilityRegister(Ecap));

    public static TheoryData<ulong, string> Offsets => new()
    {
        { 0x000, "VER" },
        { 0x008, "CAP" },
        { 0x00C, "CAP+4" },
        { 0x018, "GCMD" },
        { 0x01C, "GSTS" },
        { 0x019, "GCMD+1" },
        { 0x024, "RTADDR+4" },
        { 0x02C, "CCMD+4" },
        { 0x034, "FSTS" },
        { 0x088, "IQT" },
        { 0x0F0, "IVA" },
        { 0x0F8, "IOTLB" },
        { 0x0FC, "IOTLB+4" },
        { 0x220, "FRCD[0]" },
        { 0x228, "FRCD[0]+8" },
        { 0x25C, "FRCD[3]+12" },
        { 0x260, "0x260" },
        { 0x004, "0x004" },
    };

    [Theory]
    [MemberData(nameof(Offsets))]
    public void Name_Offset_IsSpecName(ulong offset, string expected) => Assert.Equal(expected, _names.Name(offset));

    [Fact]
    public void FromDevice_ReadsCapAndEcap_PlacesFrcdAndIotlb()
    {
        var device = new RecordingMmio();
        device.Poke(0x08, 8, Cap);
        device.Poke(0x10, 8, Ecap);

        VtdRegisterNames names = VtdRegisterNames.FromDevice(device);

        Assert.Equal("FRCD[1]", names.Name(0x230));
        Assert.Equal("IOTLB", names.Name(0xF8));
        Assert.Equal([new MmioAccess(0x08, 8, MmioDirection.Read, Cap), new MmioAccess(0x10, 8, MmioDirection.Read, Ecap)], device.Accesses);
    }
}
