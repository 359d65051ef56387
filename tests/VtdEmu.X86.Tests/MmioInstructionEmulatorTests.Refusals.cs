using VtdEmu.Tests.X86.TestDoubles;
using VtdEmu.X86;
using static Iced.Intel.AssemblerRegisters;

namespace VtdEmu.Tests.X86;

public sealed partial class MmioInstructionEmulatorTests
{
    private void AssertRefused(MmioStatus expected, MmioExecutionResult result, CpuState before)
    {
        Assert.Equal(expected, result.Status);
        Assert.False(result.IsExecuted);
        Assert.Null(result.Read);
        Assert.Null(result.Write);
        Assert.Empty(_device.Accesses);
        Assert.Equal(before.Rip, _cpu.Rip);
        Assert.Equal(before.Rflags, _cpu.Rflags);
        foreach (GeneralRegister register in Enum.GetValues<GeneralRegister>())
        {
            Assert.Equal(before[register], _cpu[register]);
        }
    }

    private MmioExecutionResult RunRefused(Action<Iced.Intel.Assembler> build, out CpuState before)
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RAX] = 0x1234_5678;
        before = _cpu.Clone();
        return Run(build);
    }

    [Fact]
    public void Execute_LockedMov_IsInvalidInstruction()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        CpuState before = _cpu.Clone();

        // F0 89 47 18: LOCK on MOV raises #UD.
        MmioExecutionResult result = _emulator.ExecuteIdentityMapped([0xF0, 0x89, 0x47, 0x18], _cpu, RegionBase, _device);

        AssertRefused(MmioStatus.InvalidInstruction, result, before);
    }

    [Fact]
    public void Execute_TruncatedBytes_IsIncompleteInstruction()
    {
        byte[] code = Asm.Assemble(Rip, a => a.mov(__dword_ptr[rdi + 0x18], eax));
        CpuState before = _cpu.Clone();

        MmioExecutionResult result = _emulator.ExecuteIdentityMapped(code.AsSpan(0, code.Length - 1), _cpu, RegionBase, _device);

        AssertRefused(MmioStatus.IncompleteInstruction, result, before);
    }

    [Fact]
    public void Execute_RegisterToRegister_IsNotMemoryAccess()
    {
        MmioExecutionResult result = RunRefused(a => a.mov(eax, ebx), out CpuState before);

        AssertRefused(MmioStatus.NotMemoryAccess, result, before);
    }

    [Fact]
    public void Execute_Lea_IsNotMemoryAccess()
    {
        MmioExecutionResult result = RunRefused(a => a.lea(rax, __[rdi + 0x18]), out CpuState before);

        AssertRefused(MmioStatus.NotMemoryAccess, result, before);
    }

    [Fact]
    public void Execute_RepMovsd_IsStringInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.rep.movsd(), out CpuState before);

        AssertRefused(MmioStatus.StringInstruction, result, before);
    }

    [Fact]
    public void Execute_Stosq_IsStringInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.stosq(), out CpuState before);

        AssertRefused(MmioStatus.StringInstruction, result, before);
    }

    [Fact]
    public void Execute_CmpxchgToMemory_IsUnsupportedInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.cmpxchg(__dword_ptr[rdi + 0x18], ecx), out CpuState before);

        AssertRefused(MmioStatus.UnsupportedInstruction, result, before);
    }

    [Fact]
    public void Execute_AddToRegisterFromMemory_IsUnsupportedInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.add(eax, __dword_ptr[rdi + 0x18]), out CpuState before);

        AssertRefused(MmioStatus.UnsupportedInstruction, result, before);
    }

    [Fact]
    public void Execute_Movdqa_IsUnsupportedInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.movdqa(xmm0, __xmmword_ptr[rdi]), out CpuState before);

        AssertRefused(MmioStatus.UnsupportedInstruction, result, before);
    }

    [Fact]
    public void Execute_MovFromSegmentRegister_IsUnsupportedInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.mov(__word_ptr[rdi + 0x18], ds), out CpuState before);

        AssertRefused(MmioStatus.UnsupportedInstruction, result, before);
    }

    [Fact]
    public void Execute_VexVmovd_IsUnsupportedInstruction()
    {
        MmioExecutionResult result = RunRefused(a => a.vmovd(__dword_ptr[rdi + 0x18], xmm1), out CpuState before);

        AssertRefused(MmioStatus.UnsupportedInstruction, result, before);
    }

    [Fact]
    public void Execute_FaultingGpaDisagreesInPageOffset_IsAddressMismatch()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        CpuState before = _cpu.Clone();
        byte[] code = Asm.Assemble(Rip, a => a.mov(__dword_ptr[rdi + 0x18], eax));

        MmioExecutionResult result = _emulator.Execute(code, _cpu, RegionBase + 0x1C, RegionBase, _device);

        AssertRefused(MmioStatus.AddressMismatch, result, before);
    }

    [Fact]
    public void Execute_PagedLinearAddress_UsesGpaForOffset()
    {
        // Under paging only bits 11:0 carry over from the linear address to the GPA.
        _cpu[GeneralRegister.RDI] = 0xFFFF_C900_0004_2000;
        byte[] code = Asm.Assemble(Rip, a => a.mov(__dword_ptr[rdi + 0x18], eax));

        MmioExecutionResult result = _emulator.Execute(code, _cpu, RegionBase + 0x18, RegionBase, _device);

        Assert.Equal(new MmioAccess(0x18, 4, MmioDirection.Write, 0), result.Write);
    }

    [Theory]
    [InlineData(0x1000UL - 4, 8)]
    [InlineData(0x1000UL, 4)]
    [InlineData(0xFFFF_FFFF_FFFF_FFF8UL, 4)]
    public void Execute_AccessBeyondRegion_IsOutsideRegion(ulong offset, int size)
    {
        _cpu[GeneralRegister.RDI] = unchecked(RegionBase + offset);
        CpuState before = _cpu.Clone();
        byte[] code = Asm.Assemble(Rip, a =>
        {
            if (size == 8)
            {
                a.mov(__qword_ptr[rdi], rax);
            }
            else
            {
                a.mov(__dword_ptr[rdi], eax);
            }
        });

        MmioExecutionResult result = _emulator.ExecuteIdentityMapped(code, _cpu, RegionBase, _device);

        AssertRefused(MmioStatus.OutsideRegion, result, before);
    }

    [Theory]
    [InlineData(0x1AUL, 4)] // upper half of GCMD + lower half of GSTS
    [InlineData(0x1CUL, 8)] // GSTS + low half of RTADDR
    [InlineData(0x23UL, 2)] // crosses the DWORD boundary inside RTADDR
    [InlineData(0x24UL, 8)] // QWORD not aligned to 8
    public void Execute_AccessAcrossDwordBoundary_IsStraddlesRegisters(ulong offset, int size)
    {
        _cpu[GeneralRegister.RDI] = RegionBase + offset;
        CpuState before = _cpu.Clone();
        byte[] code = Asm.Assemble(Rip, a =>
        {
            switch (size)
            {
                case 8: a.mov(rax, __qword_ptr[rdi]); break;
                case 4: a.mov(eax, __dword_ptr[rdi]); break;
                default: a.mov(ax, __word_ptr[rdi]); break;
            }
        });

        MmioExecutionResult result = _emulator.ExecuteIdentityMapped(code, _cpu, RegionBase, _device);

        AssertRefused(MmioStatus.StraddlesRegisters, result, before);
    }

    [Fact]
    public void Execute_RefusalWithTrace_WritesReasonLine()
    {
        var lines = new List<string>();
        _emulator.Trace = lines.Add;

        MmioExecutionResult result = RunRefused(a => a.rep.stosd(), out _);

        Assert.Equal(MmioStatus.StringInstruction, result.Status);
        Assert.Equal(["FFFFFFFF81000000  rep stosd  ; refused: StringInstruction"], lines);
    }
}
