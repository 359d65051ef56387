using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Platform;

/// <summary>The README's hardware-model how-tos, verbatim, so the README stays true.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ProgramRootTableAndReadFault_AsInTheReadme_Works()
    {
        var platform = new VtdEmu.Platform(UnitConfiguration.Qemu);
        GuestMemory ram = platform.Memory;
        ram.TryWrite64(0x10000, 0x11000 | 1);
        ram.TryWrite64(0x11000 + (0x18 * 16), 0x12000 | 1);
        ram.TryWrite64(0x11000 + (0x18 * 16) + 8, (1 << 8) | 1);
        ram.TryWrite64(0x12000, 0x13000 | 3);
        ram.TryWrite64(0x13000, 0x14000 | 3);
        ram.TryWrite64(0x14008, 0x80000 | 3);

        RemappingUnit unit = platform.Unit;
        unit.Write((ulong)VtdRegister.RTADDR, 8, 0x10000);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);

        PciEndpoint nic = platform.AddDevice(0x0018);
        DmaResult ok = nic.Write(0x1000, "hello"u8);
        DmaResult bad = nic.Read(0x2000, new byte[4]);

        Assert.True(ok.IsCompleted);
        byte[] landed = new byte[5];
        Assert.True(ram.TryRead(0x80000, landed));
        Assert.Equal("hello"u8.ToArray(), landed);
        Assert.Equal(DmaStatus.Faulted, bad.Status);
        Assert.Equal(FaultReason.ReadDenied, bad.Fault);

        uint fsts = (uint)unit.Read((ulong)VtdRegister.FSTS, 4);
        int frcd = unit.Configuration.Capability.FaultRecordingOffset;
        ulong high = unit.Read((ulong)frcd + 8, 8);
        byte reason = (byte)((high >> 32) & 0xFF);
        Assert.Equal(0x220, frcd);
        Assert.Equal(2u, fsts & 2u);
        Assert.Equal(0x06, reason);

        unit.Write((ulong)frcd + 12, 4, 1u << 31);
        Assert.Equal(0u, (uint)unit.Read((ulong)VtdRegister.FSTS, 4) & 2u);
    }
}
