using System.Buffers.Binary;
using System.Numerics;
using CsCheck;
using Iced.Intel;
using VtdEmu.Tests.X86.TestDoubles;
using VtdEmu.X86;
using RflagsBits = VtdEmu.X86.RflagsBits;

namespace VtdEmu.Tests.X86;

/// <summary>
/// Round-trip property: a random encoding (Iced's encoder) of a supported form, with random
/// registers, widths, addressing modes, displacements and immediates, must reach the device as the
/// access an independent model predicts and leave the CPU state that model predicts.
/// </summary>
public sealed partial class MmioInstructionEmulatorTests
{
    private enum FormKind
    {
        Load,
        LoadZeroExtend,
        LoadSignExtend,
        Store,
        StoreImmediate,
        AluRegister,
        AluImmediate,
        Exchange,
        BitImmediate,
        BitRegister,
        XmmLoad,
        XmmStore,
    }

    private enum AddressMode
    {
        Base,
        BaseIndex,
        IndexOnly,
        RipRelative,
    }

    private sealed record Form(Code Code, FormKind Kind, int MemorySize, int RegisterSize, string Operation, int ImmediateSize);

    private static readonly Form[] s_forms = BuildForms();

    private static readonly Register[] s_gpr64 =
        [Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP, Register.RBP, Register.RSI, Register.RDI,
         Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15];

    private static readonly Register[] s_gpr32 =
        [Register.EAX, Register.ECX, Register.EDX, Register.EBX, Register.ESP, Register.EBP, Register.ESI, Register.EDI,
         Register.R8D, Register.R9D, Register.R10D, Register.R11D, Register.R12D, Register.R13D, Register.R14D, Register.R15D];

    private static readonly Register[] s_gpr16 =
        [Register.AX, Register.CX, Register.DX, Register.BX, Register.SP, Register.BP, Register.SI, Register.DI,
         Register.R8W, Register.R9W, Register.R10W, Register.R11W, Register.R12W, Register.R13W, Register.R14W, Register.R15W];

    private static readonly Register[] s_gpr8 =
        [Register.AL, Register.CL, Register.DL, Register.BL, Register.SPL, Register.BPL, Register.SIL, Register.DIL,
         Register.R8L, Register.R9L, Register.R10L, Register.R11L, Register.R12L, Register.R13L, Register.R14L, Register.R15L];

    private static readonly Register[] s_highBytes = [Register.AH, Register.CH, Register.DH, Register.BH];

    private static Form[] BuildForms()
    {
        var forms = new List<Form>();
        string[] alu = ["Add", "Sub", "And", "Or", "Xor"];
        foreach (int bits in new[] { 8, 16, 32, 64 })
        {
            int size = bits / 8;
            int immBits = Math.Min(bits, 32);
            forms.Add(new(Enum.Parse<Code>($"Mov_r{bits}_rm{bits}"), FormKind.Load, size, size, "Mov", 0));
            forms.Add(new(Enum.Parse<Code>($"Mov_rm{bits}_r{bits}"), FormKind.Store, size, size, "Mov", 0));
            forms.Add(new(Enum.Parse<Code>($"Mov_rm{bits}_imm{immBits}"), FormKind.StoreImmediate, size, 0, "Mov", immBits / 8));
            forms.Add(new(Enum.Parse<Code>($"Xchg_rm{bits}_r{bits}"), FormKind.Exchange, size, size, "Xchg", 0));
            foreach (string op in alu)
            {
                forms.Add(new(Enum.Parse<Code>($"{op}_rm{bits}_r{bits}"), FormKind.AluRegister, size, size, op, 0));
                forms.Add(new(Enum.Parse<Code>($"{op}_rm{bits}_imm{immBits}"), FormKind.AluImmediate, size, 0, op, immBits / 8));
                if (bits != 8)
                {
                    forms.Add(new(Enum.Parse<Code>($"{op}_rm{bits}_imm8"), FormKind.AluImmediate, size, 0, op, 1));
                }
            }

            if (bits != 8)
            {
                foreach (string op in new[] { "Bts", "Btr" })
                {
                    forms.Add(new(Enum.Parse<Code>($"{op}_rm{bits}_imm8"), FormKind.BitImmediate, size, 0, op, 1));
                    forms.Add(new(Enum.Parse<Code>($"{op}_rm{bits}_r{bits}"), FormKind.BitRegister, size, size, op, 0));
                }
            }
        }

        foreach ((int from, int to) in new[] { (8, 16), (8, 32), (8, 64), (16, 32), (16, 64) })
        {
            forms.Add(new(Enum.Parse<Code>($"Movzx_r{to}_rm{from}"), FormKind.LoadZeroExtend, from / 8, to / 8, "Movzx", 0));
            forms.Add(new(Enum.Parse<Code>($"Movsx_r{to}_rm{from}"), FormKind.LoadSignExtend, from / 8, to / 8, "Movsx", 0));
        }

        forms.Add(new(Code.Movsxd_r64_rm32, FormKind.LoadSignExtend, 4, 8, "Movsxd", 0));
        forms.Add(new(Code.Movd_xmm_rm32, FormKind.XmmLoad, 4, 16, "Movd", 0));
        forms.Add(new(Code.Movq_xmm_rm64, FormKind.XmmLoad, 8, 16, "Movq", 0));
        forms.Add(new(Code.Movq_xmm_xmmm64, FormKind.XmmLoad, 8, 16, "Movq", 0));
        forms.Add(new(Code.Movd_rm32_xmm, FormKind.XmmStore, 4, 16, "Movd", 0));
        forms.Add(new(Code.Movq_rm64_xmm, FormKind.XmmStore, 8, 16, "Movq", 0));
        forms.Add(new(Code.Movq_xmmm64_xmm, FormKind.XmmStore, 8, 16, "Movq", 0));
        return [.. forms];
    }

    [Fact]
    public void Execute_RandomEncodingsOfSupportedForms_MatchIndependentModel()
    {
        int executed = 0;
        Gen.Select(Gen.Int[0, s_forms.Length - 1], Gen.ULong).Sample(
            (formIndex, seed) =>
            {
                bool ran = CheckOne(s_forms[formIndex], seed);
                if (ran)
                {
                    Interlocked.Increment(ref executed);
                }
            },
            iter: 4000);

        // The generator may draw register combinations the encoder rejects (AH with REX); most must run.
        Assert.True(executed > 3000, $"only {executed} encodings were checked");
    }

    /// <summary>Builds, runs and checks one case; false when the encoder rejects the drawn combination.</summary>
    private static bool CheckOne(Form form, ulong seed)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var device = new RecordingMmio();
        random.NextBytes(device.Bytes);
        var cpu = new CpuState
        {
            Rip = RegionBase - (ulong)random.Next(0x1000, 0x10_0000),
            Rflags = (RflagsBits)(ulong)random.NextInt64() & (RflagsBits.Status | RflagsBits.IF | RflagsBits.DF) | RflagsBits.Reserved1,
        };
        for (int i = 0; i < 16; i++)
        {
            cpu[(GeneralRegister)i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33);
            cpu.SetXmm(i, new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()));
        }

        // Registers: data, base and index all distinct; the index is never RSP.
        int size = form.MemorySize;
        int data = random.Next(16);
        int baseReg = Pick(random, data, -1, allowRsp: true);
        int indexReg = Pick(random, data, baseReg, allowRsp: false);
        var mode = (AddressMode)random.Next(4);
        bool address32 = mode != AddressMode.RipRelative && random.Next(3) == 0;
        Register segment = mode == AddressMode.RipRelative || address32 ? Register.None : random.Next(4) switch
        {
            0 => Register.FS,
            1 => Register.GS,
            _ => Register.None,
        };
        cpu.FsBase = (ulong)random.NextInt64();
        cpu.GsBase = (ulong)random.NextInt64();
        ulong segmentBase = segment == Register.FS ? cpu.FsBase : segment == Register.GS ? cpu.GsBase : 0;

        // The accessed slot is naturally aligned, so it never straddles registers.
        ulong offset = (ulong)(random.Next(0x1000 / size) * size);
        ulong accessed = RegionBase + offset;

        // BTS/BTR with a register: the signed bit offset moves the address by whole operands.
        int bits = size * 8;
        long bitOffset = 0;
        long operandShift = 0;
        if (form.Kind == FormKind.BitRegister)
        {
            bitOffset = random.Next(-4 * bits, 4 * bits);
            operandShift = (long)Math.Floor(bitOffset / (double)bits);
            cpu[(GeneralRegister)data] = (cpu[(GeneralRegister)data] & ~Mask(size)) | ((ulong)bitOffset & Mask(size));
        }

        ulong effective = unchecked(accessed - (ulong)(operandShift * size) - segmentBase);
        int scale = 1 << random.Next(4);
        long displacement = random.Next(3) switch
        {
            0 => 0,
            1 => random.Next(-128, 128),
            _ => random.Next(int.MinValue, int.MaxValue),
        };
        MemoryOperand memory;
        Register[] addressRegisters = address32 ? s_gpr32 : s_gpr64;
        ulong addressMask = address32 ? uint.MaxValue : ulong.MaxValue;
        switch (mode)
        {
            case AddressMode.Base:
                SetLow(cpu, baseReg, unchecked(effective - (ulong)displacement) & addressMask, address32);
                memory = new MemoryOperand(addressRegisters[baseReg], Register.None, 1, displacement, DisplSize(displacement), false, segment);
                break;
            case AddressMode.BaseIndex:
                ulong indexValue = cpu[(GeneralRegister)indexReg];
                SetLow(cpu, baseReg, unchecked(effective - (ulong)displacement - (indexValue * (ulong)scale)) & addressMask, address32);
                memory = new MemoryOperand(addressRegisters[baseReg], addressRegisters[indexReg], scale, displacement, DisplSize(displacement), false, segment);
                break;
            case AddressMode.IndexOnly:
                // No base: always a disp32. Make (effective - disp) a multiple of the scale.
                displacement = random.Next(int.MinValue / 2, int.MaxValue / 2);
                displacement += (long)(unchecked(effective - (ulong)displacement) % (ulong)scale);
                ulong scaled = unchecked(effective - (ulong)displacement) & addressMask;
                SetLow(cpu, indexReg, scaled / (ulong)scale, address32);
                memory = new MemoryOperand(Register.None, addressRegisters[indexReg], scale, displacement, 4, false, segment);
                break;
            default:
                memory = new MemoryOperand(Register.RIP, (long)effective);
                break;
        }

        ulong immediate = form.ImmediateSize switch
        {
            1 => (ulong)(long)(sbyte)random.Next(),
            2 => (ulong)(long)(short)random.Next(),
            4 => (ulong)(long)random.Next(int.MinValue, int.MaxValue),
            _ => 0,
        };
        bool highByte = form.RegisterSize == 1 && data < 4 && random.Next(4) == 0;
        Register register = form.Kind is FormKind.XmmLoad or FormKind.XmmStore
            ? Register.XMM0 + data
            : highByte ? s_highBytes[data] : RegisterOfSize(data, form.RegisterSize);

        Instruction instruction = form.Kind switch
        {
            FormKind.Load or FormKind.LoadZeroExtend or FormKind.LoadSignExtend or FormKind.XmmLoad => Instruction.Create(form.Code, register, memory),
            FormKind.StoreImmediate or FormKind.AluImmediate or FormKind.BitImmediate => Instruction.Create(form.Code, memory, unchecked((int)immediate)),
            _ => Instruction.Create(form.Code, memory, register),
        };
        byte[]? code = Asm.TryEncode(instruction, cpu.Rip);
        if (code is null)
        {
            return false;
        }

        // --- Independent expectation ------------------------------------------------------------
        CpuState expected = cpu.Clone();
        var expectedAccesses = new List<MmioAccess>();
        ulong old = device.Peek((int)offset, size);
        ulong registerValue = highByte ? (cpu[(GeneralRegister)data] >> 8) & 0xFF : cpu[(GeneralRegister)data] & Mask(Math.Min(form.RegisterSize, 8));
        switch (form.Kind)
        {
            case FormKind.Load:
            case FormKind.LoadZeroExtend:
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                ExpectRegisterWrite(expected, data, form.RegisterSize, highByte, old);
                break;
            case FormKind.LoadSignExtend:
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                long signExtended = size switch { 1 => (sbyte)old, 2 => (short)old, _ => (int)old };
                ExpectRegisterWrite(expected, data, form.RegisterSize, false, (ulong)signExtended);
                break;
            case FormKind.Store:
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, registerValue));
                break;
            case FormKind.StoreImmediate:
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, immediate & Mask(size)));
                break;
            case FormKind.Exchange:
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, registerValue));
                ExpectRegisterWrite(expected, data, size, highByte, old);
                break;
            case FormKind.AluRegister:
            case FormKind.AluImmediate:
                ulong source = form.Kind == FormKind.AluRegister ? registerValue : immediate & Mask(size);
                (ulong result, RflagsBits flags) = ExpectAlu(form.Operation, old, source, size, cpu.Rflags);
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, result));
                expected.Rflags = flags;
                break;
            case FormKind.BitImmediate:
            case FormKind.BitRegister:
                int bit = form.Kind == FormKind.BitImmediate ? (int)(immediate & 0xFF) % bits : (int)(bitOffset - (operandShift * bits));
                bool wasSet = ((old >> bit) & 1) != 0;
                ulong updated = form.Operation == "Bts" ? old | (1UL << bit) : old & ~(1UL << bit);
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, updated));
                expected.Rflags = wasSet ? cpu.Rflags | RflagsBits.CF : cpu.Rflags & ~RflagsBits.CF;
                break;
            case FormKind.XmmLoad:
                expectedAccesses.Add(new(offset, size, MmioDirection.Read, old));
                expected.SetXmm(data, old);
                break;
            case FormKind.XmmStore:
                expectedAccesses.Add(new(offset, size, MmioDirection.Write, (ulong)cpu.GetXmm(data) & Mask(size)));
                break;
        }

        expected.Rip = cpu.Rip + (ulong)code.Length;

        // --- Run: first on a cold emulator (decode), then again from the same state (cache hit) ---
        var emulator = new MmioInstructionEmulator();
        string context = $"{form.Code} mode={mode} a32={address32} seg={segment} off=0x{offset:X}";
        byte[] initialBytes = device.Bytes.ToArray();
        CpuState initial = cpu.Clone();
        foreach (string pass in new[] { "decoded", "cached" })
        {
            var run = initial.Clone();
            var target = new RecordingMmio();
            initialBytes.CopyTo(target.Bytes);
            MmioExecutionResult actual = emulator.Execute(code, run, accessed, RegionBase, target);

            Assert.True(actual.Status == MmioStatus.Executed, $"{context} ({pass}): {actual.Status}");
            Assert.True(expectedAccesses.SequenceEqual(target.Accesses), $"{context} ({pass}): accesses {string.Join(", ", target.Accesses)} expected {string.Join(", ", expectedAccesses)}");
            Assert.Equal(expected.Rip, run.Rip);
            Assert.True(expected.Rflags == run.Rflags, $"{context} ({pass}): flags {run.Rflags} expected {expected.Rflags}");
            for (int i = 0; i < 16; i++)
            {
                Assert.True(expected[(GeneralRegister)i] == run[(GeneralRegister)i], $"{context} ({pass}): {(GeneralRegister)i}");
                Assert.True(expected.GetXmm(i) == run.GetXmm(i), $"{context} ({pass}): XMM{i}");
            }
        }

        return true;
    }

    private static int Pick(Random random, int avoid1, int avoid2, bool allowRsp)
    {
        while (true)
        {
            int candidate = random.Next(16);
            if (candidate != avoid1 && candidate != avoid2 && (allowRsp || candidate != 4))
            {
                return candidate;
            }
        }
    }

    private static int DisplSize(long displacement) => displacement == 0 ? 0 : displacement is >= sbyte.MinValue and <= sbyte.MaxValue ? 1 : 4;

    private static ulong Mask(int size) => size >= 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;

    /// <summary>Sets a register used in an address; under a 0x67 prefix its upper half is random and must be ignored.</summary>
    private static void SetLow(CpuState cpu, int register, ulong value, bool address32) =>
        cpu[(GeneralRegister)register] = address32 ? (cpu[(GeneralRegister)register] & 0xFFFF_FFFF_0000_0000) | value : value;

    private static Register RegisterOfSize(int number, int size) => size switch
    {
        1 => s_gpr8[number],
        2 => s_gpr16[number],
        4 => s_gpr32[number],
        _ => s_gpr64[number],
    };

    /// <summary>x86-64 register write rules, stated per size (SDM Vol. 1 §3.4.1.1).</summary>
    private static void ExpectRegisterWrite(CpuState state, int number, int size, bool highByte, ulong value)
    {
        var register = (GeneralRegister)number;
        ulong before = state[register];
        if (highByte)
        {
            state[register] = (before & 0xFFFF_FFFF_FFFF_00FF) | ((value & 0xFF) << 8);
            return;
        }

        state[register] = size switch
        {
            1 => (before & 0xFFFF_FFFF_FFFF_FF00) | (value & 0xFF),
            2 => (before & 0xFFFF_FFFF_FFFF_0000) | (value & 0xFFFF),
            4 => value & 0xFFFF_FFFF,
            _ => value,
        };
    }

    /// <summary>ALU result and flags from wide arithmetic, independent of the emulator's bit tricks.</summary>
    private static (ulong Result, RflagsBits Flags) ExpectAlu(string operation, ulong a, ulong b, int size, RflagsBits flags)
    {
        int bits = size * 8;
        var ua = (BigInteger)a;
        var ub = (BigInteger)b;
        BigInteger sa = a >= (1UL << (bits - 1)) && bits < 64 || (bits == 64 && (long)a < 0) ? ua - (BigInteger.One << bits) : ua;
        BigInteger sb = b >= (1UL << (bits - 1)) && bits < 64 || (bits == 64 && (long)b < 0) ? ub - (BigInteger.One << bits) : ub;
        BigInteger modulus = BigInteger.One << bits;
        BigInteger wide;
        bool carry = false, overflow = false, auxiliary = (flags & RflagsBits.AF) != 0;
        switch (operation)
        {
            case "Add":
                wide = ua + ub;
                carry = wide >= modulus;
                overflow = sa + sb >= modulus / 2 || sa + sb < -(modulus / 2);
                auxiliary = (a & 0xF) + (b & 0xF) > 0xF;
                break;
            case "Sub":
                wide = ua - ub;
                carry = ua < ub;
                overflow = sa - sb >= modulus / 2 || sa - sb < -(modulus / 2);
                auxiliary = (a & 0xF) < (b & 0xF);
                break;
            case "And":
                wide = ua & ub;
                break;
            case "Or":
                wide = ua | ub;
                break;
            default:
                wide = ua ^ ub;
                break;
        }

        ulong result = (ulong)(((wide % modulus) + modulus) % modulus);
        int lowByteOnes = 0;
        for (int i = 0; i < 8; i++)
        {
            lowByteOnes += (int)((result >> i) & 1);
        }

        RflagsBits next = flags & ~(RflagsBits.CF | RflagsBits.OF | RflagsBits.AF | RflagsBits.SF | RflagsBits.ZF | RflagsBits.PF);
        next |= carry ? RflagsBits.CF : 0;
        next |= overflow ? RflagsBits.OF : 0;
        next |= auxiliary ? RflagsBits.AF : 0;
        next |= (result >> (bits - 1)) != 0 ? RflagsBits.SF : 0;
        next |= result == 0 ? RflagsBits.ZF : 0;
        next |= lowByteOnes % 2 == 0 ? RflagsBits.PF : 0;
        return (result, next);
    }
}
