using Iced.Intel;
using VtdEmu.Tests.X86.TestDoubles;
using VtdEmu.X86;
using static Iced.Intel.AssemblerRegisters;
using RflagsBits = VtdEmu.X86.RflagsBits;

namespace VtdEmu.Tests.X86;

public sealed partial class MmioInstructionEmulatorTests
{
    private const ulong RegionBase = 0xFED9_0000;
    private const ulong Rip = 0xFFFF_FFFF_8100_0000;

    private readonly RecordingMmio _device = new();
    private readonly CpuState _cpu = new() { Rip = Rip };
    private readonly MmioInstructionEmulator _emulator = new();

    private MmioExecutionResult Run(Action<Assembler> build)
    {
        byte[] code = Asm.Assemble(_cpu.Rip, build);
        return _emulator.ExecuteIdentityMapped(code, _cpu, RegionBase, _device);
    }

    [Fact]
    public void Execute_MovStoreToGCMD_WritesDwordAndAdvancesRip()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RAX] = 0xDEAD_BEEF_8000_0000;
        byte[] code = Asm.Assemble(Rip, a => a.mov(__dword_ptr[rdi + 0x18], eax));

        MmioExecutionResult result = _emulator.Execute(code, _cpu, RegionBase + 0x18, RegionBase, _device);

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal([new MmioAccess(0x18, 4, MmioDirection.Write, 0x8000_0000)], _device.Accesses);
        Assert.Equal(new MmioAccess(0x18, 4, MmioDirection.Write, 0x8000_0000), result.Write);
        Assert.Null(result.Read);
        Assert.Equal(Rip + (ulong)code.Length, _cpu.Rip);
        Assert.Equal(0xDEAD_BEEF_8000_0000, _cpu[GeneralRegister.RAX]);
    }

    [Fact]
    public void Execute_MovLoadFromIQT_LoadsQword()
    {
        _device.Poke(0x88, 8, 0x0000_0000_0000_0120);
        _cpu[GeneralRegister.RBX] = RegionBase;
        _cpu[GeneralRegister.RAX] = ulong.MaxValue;

        MmioExecutionResult result = Run(a => a.mov(rax, __qword_ptr[rbx + 0x88]));

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal([new MmioAccess(0x88, 8, MmioDirection.Read, 0x120)], _device.Accesses);
        Assert.Equal(0x120UL, _cpu[GeneralRegister.RAX]);
    }

    [Fact]
    public void Execute_OrImmediateToGCMD_ReadsThenWritesAndSetsFlags()
    {
        _device.Poke(0x18, 4, 0x0400_0000);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu.Rflags = RflagsBits.Reserved1 | RflagsBits.CF | RflagsBits.OF | RflagsBits.ZF;

        MmioExecutionResult result = Run(a => a.or(__dword_ptr[rdi + 0x18], unchecked((int)0x8000_0000)));

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal(
            [new MmioAccess(0x18, 4, MmioDirection.Read, 0x0400_0000), new MmioAccess(0x18, 4, MmioDirection.Write, 0x8400_0000)],
            _device.Accesses);

        // 0x84000000: CF = OF = 0, SF = 1, ZF = 0, low byte 0x00 has even parity.
        Assert.Equal(RflagsBits.Reserved1 | RflagsBits.SF | RflagsBits.PF, _cpu.Rflags);
    }

    [Fact]
    public void Execute_LockedAnd_ExecutesAsReadModifyWrite()
    {
        _device.Poke(0x38, 4, 0x8000_0000);
        _cpu[GeneralRegister.RSI] = RegionBase;

        MmioExecutionResult result = Run(a => a.@lock.and(__dword_ptr[rsi + 0x38], 0x7FFF_FFFF));

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal(0UL, _device.Peek(0x38, 4));
        Assert.True(_cpu.Rflags.HasFlag(RflagsBits.ZF));
    }

    [Fact]
    public void Execute_SubFromMemory_SetsBorrowFlags()
    {
        _device.Poke(0x80, 8, 0);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RCX] = 1;

        Run(a => a.sub(__qword_ptr[rdi + 0x80], rcx));

        Assert.Equal(ulong.MaxValue, _device.Peek(0x80, 8));
        Assert.Equal(RflagsBits.Reserved1 | RflagsBits.CF | RflagsBits.SF | RflagsBits.PF | RflagsBits.AF, _cpu.Rflags);
    }

    [Fact]
    public void Execute_AddSignedOverflow_SetsOF()
    {
        _device.Poke(0x20, 4, 0x7FFF_FFFF);
        _cpu[GeneralRegister.RDI] = RegionBase;

        Run(a => a.add(__dword_ptr[rdi + 0x20], 1));

        Assert.Equal(0x8000_0000UL, _device.Peek(0x20, 4));
        Assert.Equal(RflagsBits.Reserved1 | RflagsBits.OF | RflagsBits.SF | RflagsBits.AF | RflagsBits.PF, _cpu.Rflags);
    }

    [Fact]
    public void Execute_Load32_ZeroesUpperHalf()
    {
        _device.Poke(0x1C, 4, 0xC000_0000);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RDX] = 0xFFFF_FFFF_FFFF_FFFF;

        Run(a => a.mov(edx, __dword_ptr[rdi + 0x1C]));

        Assert.Equal(0xC000_0000UL, _cpu[GeneralRegister.RDX]);
    }

    [Fact]
    public void Execute_Load16And8_KeepUpperBits()
    {
        _device.Poke(0x1C, 4, 0xC000_A5B6);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RDX] = 0x1111_2222_3333_4444;
        _cpu[GeneralRegister.RBX] = 0x1111_2222_3333_4444;
        _cpu[GeneralRegister.RCX] = 0x1111_2222_3333_4444;

        Run(a => a.mov(dx, __word_ptr[rdi + 0x1C]));
        Run(a => a.mov(bl, __byte_ptr[rdi + 0x1C]));
        Run(a => a.mov(ch, __byte_ptr[rdi + 0x1D]));

        Assert.Equal(0x1111_2222_3333_A5B6UL, _cpu[GeneralRegister.RDX]);
        Assert.Equal(0x1111_2222_3333_44B6UL, _cpu[GeneralRegister.RBX]);
        Assert.Equal(0x1111_2222_3333_A544UL, _cpu[GeneralRegister.RCX]);
        Assert.Equal([1, 1], _device.Accesses.Skip(1).Select(x => x.Size));
    }

    [Fact]
    public void Execute_MovzxMovsx_ExtendAsTheCpu()
    {
        _device.Poke(0x34, 4, 0x0000_80F0);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RAX] = ulong.MaxValue;
        _cpu[GeneralRegister.R9] = 0;

        Run(a => a.movzx(eax, __byte_ptr[rdi + 0x34]));
        Run(a => a.movsx(r9, __word_ptr[rdi + 0x34]));
        Run(a => a.movsx(cx, __byte_ptr[rdi + 0x34]));

        Assert.Equal(0xF0UL, _cpu[GeneralRegister.RAX]);
        Assert.Equal(0xFFFF_FFFF_FFFF_80F0UL, _cpu[GeneralRegister.R9]);
        Assert.Equal(0xFFF0UL, _cpu[GeneralRegister.RCX]);
    }

    [Fact]
    public void Execute_Movsxd_SignExtendsDword()
    {
        _device.Poke(0x40, 4, 0xFEE0_0000);
        _cpu[GeneralRegister.RDI] = RegionBase;

        Run(a => a.movsxd(r12, __dword_ptr[rdi + 0x40]));

        Assert.Equal(0xFFFF_FFFF_FEE0_0000UL, _cpu[GeneralRegister.R12]);
    }

    [Fact]
    public void Execute_StoreImmediate64_SignExtendsImm32()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;

        Run(a => a.mov(__qword_ptr[rdi + 0x20], -4096));

        Assert.Equal([new MmioAccess(0x20, 8, MmioDirection.Write, 0xFFFF_FFFF_FFFF_F000)], _device.Accesses);
    }

    [Fact]
    public void Execute_Xchg_SwapsRegisterAndRegister()
    {
        _device.Poke(0x3C, 4, 0x0000_0041);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RAX] = 0xFFFF_FFFF_0000_0050;

        MmioExecutionResult result = Run(a => a.xchg(__dword_ptr[rdi + 0x3C], eax));

        Assert.Equal(new MmioAccess(0x3C, 4, MmioDirection.Read, 0x41), result.Read);
        Assert.Equal(new MmioAccess(0x3C, 4, MmioDirection.Write, 0x50), result.Write);
        Assert.Equal(0x41UL, _cpu[GeneralRegister.RAX]);
        Assert.Equal(0x50UL, _device.Peek(0x3C, 4));
    }

    [Fact]
    public void Execute_MovqXmm_LoadsAndStoresLowQword()
    {
        _device.Poke(0x20, 8, 0x1234_5678_9ABC_D000);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu.SetXmm(3, UInt128.MaxValue);

        Run(a => a.movq(xmm3, __qword_ptr[rdi + 0x20]));
        Run(a => a.movd(__dword_ptr[rdi + 0x3C], xmm3));

        Assert.Equal((UInt128)0x1234_5678_9ABC_D000, _cpu.GetXmm(3));
        Assert.Equal(new MmioAccess(0x3C, 4, MmioDirection.Write, 0x9ABC_D000), _device.Accesses[^1]);
    }

    [Fact]
    public void Execute_MovdLoad_ZeroesUpperXmmBits()
    {
        _device.Poke(0x1C, 4, 0x8000_0000);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu.SetXmm(15, UInt128.MaxValue);

        Run(a => a.movd(xmm15, __dword_ptr[rdi + 0x1C]));

        Assert.Equal((UInt128)0x8000_0000, _cpu.GetXmm(15));
    }

    [Fact]
    public void Execute_BtsImmediate_SetsBitAndReportsOldInCF()
    {
        _device.Poke(0x18, 4, 0x0000_0000);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu.Rflags = RflagsBits.Reserved1 | RflagsBits.CF;

        Run(a => a.bts(__dword_ptr[rdi + 0x18], 31 + 32)); // the immediate is taken modulo 32

        Assert.Equal(0x8000_0000UL, _device.Peek(0x18, 4));
        Assert.Equal(RflagsBits.Reserved1, _cpu.Rflags);
    }

    [Fact]
    public void Execute_BtrRegisterOffset_AddressesTheWordHoldingTheBit()
    {
        // Bit offset 35 from 0x18 with a 32-bit operand: dword at 0x18 + 4, bit 3 (SDM "BT" bit-string addressing).
        _device.Poke(0x1C, 4, 0x0000_000F);
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RCX] = 35;

        MmioExecutionResult result = _emulator.Execute(
            Asm.Assemble(Rip, a => a.btr(__dword_ptr[rdi + 0x18], ecx)), _cpu, RegionBase + 0x1C, RegionBase, _device);

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal(new MmioAccess(0x1C, 4, MmioDirection.Write, 0x7), result.Write);
        Assert.True(_cpu.Rflags.HasFlag(RflagsBits.CF));
    }

    [Fact]
    public void Execute_BtsNegativeRegisterOffset_AddressesWordBelow()
    {
        _cpu[GeneralRegister.RDI] = RegionBase + 0x20;
        _cpu[GeneralRegister.RDX] = unchecked((ulong)-1);

        MmioExecutionResult result = Run(a => a.bts(__qword_ptr[rdi], rdx));

        Assert.Equal(new MmioAccess(0x18, 8, MmioDirection.Write, 0x8000_0000_0000_0000), result.Write);
    }

    [Fact]
    public void Execute_SibAddressing_UsesBaseIndexScaleDisplacement()
    {
        _cpu[GeneralRegister.R13] = RegionBase + 0x100;
        _cpu[GeneralRegister.R10] = 3;
        _cpu[GeneralRegister.R11] = 0x55;

        MmioExecutionResult result = Run(a => a.mov(__dword_ptr[r13 + r10 * 8 - 0x18], r11d));

        Assert.Equal(new MmioAccess(0x100, 4, MmioDirection.Write, 0x55), result.Write);
    }

    [Fact]
    public void Execute_RipRelative_UsesAddressOfNextInstruction()
    {
        _cpu.Rip = RegionBase - 0x2000;
        _device.Poke(0x10, 8, 0x0000_0000_00F0_10DA);
        // mov rax, [rip + disp32]; the encoder picks disp32 so that the target is ECAP.
        MmioExecutionResult result = _emulator.ExecuteIdentityMapped(
            Asm.TryEncode(Instruction.Create(Code.Mov_r64_rm64, Register.RAX, new MemoryOperand(Register.RIP, (long)(RegionBase + 0x10))), _cpu.Rip)!,
            _cpu, RegionBase, _device);

        Assert.Equal(MmioStatus.Executed, result.Status);
        Assert.Equal(new MmioAccess(0x10, 8, MmioDirection.Read, 0xF010DA), result.Read);
        Assert.Equal(0xF010DAUL, _cpu[GeneralRegister.RAX]);
    }

    [Fact]
    public void Execute_MovMoffs64_UsesAbsoluteAddress()
    {
        _device.Poke(0x88, 8, 0x40);

        MmioExecutionResult result = Run(a => a.mov(rax, __qword_ptr[RegionBase + 0x88]));

        Assert.Equal(new MmioAccess(0x88, 8, MmioDirection.Read, 0x40), result.Read);
        Assert.Equal(0x40UL, _cpu[GeneralRegister.RAX]);
    }

    [Fact]
    public void Execute_AddressSizeOverrideWithoutBase_ZeroExtendsDisplacement()
    {
        // 67 8B 04 25 disp32: [disp32] under a 32-bit address size is not sign-extended.
        byte[] code = [0x67, 0x8B, 0x04, 0x25, 0x1C, 0x00, 0xD9, 0xFE];
        _device.Poke(0x1C, 4, 0x8000_0000);

        MmioExecutionResult result = _emulator.Execute(code, _cpu, RegionBase + 0x1C, RegionBase, _device);

        Assert.Equal(new MmioAccess(0x1C, 4, MmioDirection.Read, 0x8000_0000), result.Read);
    }

    [Fact]
    public void Execute_AddressSizeOverride_WrapsAt4GiB()
    {
        // [edi+18h] ignores bits 63:32 of RDI and wraps modulo 2^32.
        _cpu[GeneralRegister.RDI] = 0xAAAA_BBBB_0000_0000 | (RegionBase - 0x8);
        _cpu[GeneralRegister.RAX] = 1;

        MmioExecutionResult result = Run(a => a.mov(__dword_ptr[edi + 0x20], eax));

        Assert.Equal(new MmioAccess(0x18, 4, MmioDirection.Write, 1), result.Write);
    }

    [Fact]
    public void Execute_GsSegmentOverride_AddsGsBase()
    {
        _cpu.GsBase = RegionBase;
        _cpu[GeneralRegister.RAX] = 0x77;

        MmioExecutionResult result = Run(a => a.mov(__dword_ptr.gs[0x9C], eax));

        Assert.Equal(new MmioAccess(0x9C, 4, MmioDirection.Write, 0x77), result.Write);
    }

    [Fact]
    public void Execute_OddSizeInsideOneDword_IssuesTrueWidth()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RAX] = 0xABCD;

        MmioExecutionResult result = Run(a => a.mov(__word_ptr[rdi + 0x19], ax));

        Assert.Equal(new MmioAccess(0x19, 2, MmioDirection.Write, 0xABCD), result.Write);
    }

    [Fact]
    public void Execute_SameRipNewBytes_DecodesAgain()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        Run(a => a.mov(__dword_ptr[rdi + 0x18], eax));
        _cpu.Rip = Rip;

        MmioExecutionResult result = Run(a => a.mov(__dword_ptr[rdi + 0x38], eax));

        Assert.Equal(0x38UL, result.Write!.Value.Offset);
    }

    [Fact]
    public void Execute_SameRipRelativeBytesAtAnotherRip_TargetsAnotherOffset()
    {
        // mov eax, [rip+disp32] cached at one RIP must not reuse its target at another RIP.
        _cpu.Rip = RegionBase - 0x1000;
        byte[] code = Asm.TryEncode(Instruction.Create(Code.Mov_r32_rm32, Register.EAX, new MemoryOperand(Register.RIP, (long)(RegionBase + 0x18))), _cpu.Rip)!;
        _emulator.ExecuteIdentityMapped(code, _cpu, RegionBase, _device);
        _cpu.Rip = RegionBase - 0x1000 + 0x4;

        MmioExecutionResult result = _emulator.ExecuteIdentityMapped(code, _cpu, RegionBase, _device);

        Assert.Equal(0x1CUL, result.Read!.Value.Offset);
    }

    [Fact]
    public void Execute_WithTrace_WritesOneNamedLinePerAccess()
    {
        var lines = new List<string>();
        _emulator.Trace = lines.Add;
        _emulator.RegisterName = new VtdRegisterNames(new VtdEmu.Registers.CapabilityRegister(0), new VtdEmu.Registers.ExtendedCapabilityRegister(0)).Name;
        _cpu[GeneralRegister.RDI] = RegionBase;

        Run(a => a.or(__dword_ptr[rdi + 0x18], unchecked((int)0x8000_0000)));

        Assert.Equal(2, lines.Count);
        Assert.Equal("FFFFFFFF81000000  or dword ptr [rdi+18h], 80000000h  ; R GCMD (0x018) 4 0x00000000", lines[0]);
        Assert.Equal("FFFFFFFF81000000  or dword ptr [rdi+18h], 80000000h  ; W GCMD (0x018) 4 0x80000000", lines[1]);
    }
}
