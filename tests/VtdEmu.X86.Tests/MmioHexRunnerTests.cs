using VtdEmu.Tests.X86.TestDoubles;
using VtdEmu.X86;
using static Iced.Intel.AssemblerRegisters;

namespace VtdEmu.Tests.X86;

public sealed class MmioHexRunnerTests
{
    private const ulong RegionBase = 0xFED9_0000;

    [Fact]
    public void Run_TwoInstructions_ExecutesBothAndTracesEachAccess()
    {
        var device = new RecordingMmio();
        var cpu = new CpuState { Rip = 0x1000 };
        cpu[GeneralRegister.RDI] = RegionBase;
        cpu[GeneralRegister.RAX] = 0x8000_0000;
        byte[] code = Asm.Assemble(0x1000, a =>
        {
            a.mov(__dword_ptr[rdi + 0x18], eax);
            a.mov(ecx, __dword_ptr[rdi + 0x1C]);
        });

        MmioStatus status = MmioHexRunner.Run(code, cpu, RegionBase, device, registerName: null, out IReadOnlyList<string> trace);

        Assert.Equal(MmioStatus.Executed, status);
        Assert.Equal(2, trace.Count);
        Assert.EndsWith("; W reg (0x018) 4 0x80000000", trace[0], StringComparison.Ordinal);
        Assert.EndsWith("; R reg (0x01C) 4 0x00000000", trace[1], StringComparison.Ordinal);
        Assert.Equal(0x1000UL + (ulong)code.Length, cpu.Rip);
    }

    [Fact]
    public void Run_RefusedInstruction_StopsWithReason()
    {
        var device = new RecordingMmio();
        var cpu = new CpuState { Rip = 0x1000 };
        cpu[GeneralRegister.RDI] = RegionBase;
        byte[] code = Asm.Assemble(0x1000, a =>
        {
            a.nop();
            a.mov(__dword_ptr[rdi + 0x18], eax);
        });

        MmioStatus status = MmioHexRunner.Run(code, cpu, RegionBase, device, registerName: null, out IReadOnlyList<string> trace);

        Assert.Equal(MmioStatus.NotMemoryAccess, status);
        Assert.Equal(["0000000000001000  nop  ; refused: NotMemoryAccess"], trace);
        Assert.Empty(device.Accesses);
    }

    [Theory]
    [InlineData("89 47 18", true, 3)]
    [InlineData("894718", true, 3)]
    [InlineData("89 4", false, 0)]
    [InlineData("zz", false, 0)]
    public void TryParseHex_Text_ParsesBytes(string text, bool ok, int length)
    {
        Assert.Equal(ok, MmioHexRunner.TryParseHex(text, out byte[] code));
        Assert.Equal(length, code.Length);
    }
}
