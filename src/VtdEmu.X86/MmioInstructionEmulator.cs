using System.Runtime.CompilerServices;
using Iced.Intel;
using VtdEmu.X86.Internal;

namespace VtdEmu.X86;

/// <summary>
/// Emulates the x86-64 instruction that trapped on an MMIO register page: decodes it (Iced), checks
/// its effective address against the faulting guest-physical address, performs the access on the
/// <see cref="IMmio"/> device with the instruction's own width, and updates the guest's
/// <see cref="CpuState"/> as the CPU would have (destination register, RFLAGS, RIP).
/// </summary>
/// <remarks>
/// One instance per trap site (one per vCPU): it owns one <see cref="Decoder"/> and a small cache of
/// decoded instructions keyed by RIP and bytes, and is not thread-safe. Guest-controlled input never
/// throws; anything the front end will not emulate comes back as an <see cref="MmioStatus"/> with
/// the device untouched and the CPU state unchanged. Supported forms and the address rules are in
/// spec-notes/mmio.md.
/// </remarks>
public sealed class MmioInstructionEmulator
{
    /// <summary>Bits 11:0 survive every x86 paging mode unchanged, so they must agree between linear address and GPA.</summary>
    private const ulong PageOffsetMask = 0xFFF;

    private const int CacheEntries = 64;

    private readonly TrapCodeReader _reader = new();
    private readonly Decoder _decoder;
    private readonly CacheEntry[] _cache = new CacheEntry[CacheEntries];
    private TraceFormatter? _traceFormatter;

    public MmioInstructionEmulator()
    {
        _decoder = Decoder.Create(64, _reader, DecoderOptions.None);
    }

    /// <summary>
    /// Receives one human-readable line per access (and one per refusal) when set: RIP, the
    /// disassembled instruction, direction, register name, width and value. Null disables tracing.
    /// </summary>
    public Action<string>? Trace { get; set; }

    /// <summary>Names the register at a byte offset for the trace (for example <see cref="VtdRegisterNames.Name"/>); null prints offsets.</summary>
    public Func<ulong, string>? RegisterName { get; set; }

    /// <summary>
    /// Emulates the instruction at the start of <paramref name="code"/>, which sits at
    /// <see cref="CpuState.Rip"/> and faulted on <paramref name="faultingGpa"/> inside the MMIO region
    /// that starts at <paramref name="regionBase"/> and is <see cref="IMmio.Length"/> bytes long.
    /// </summary>
    public MmioExecutionResult Execute(ReadOnlySpan<byte> code, CpuState cpu, ulong faultingGpa, ulong regionBase, IMmio device) =>
        Run(code, cpu, faultingGpa, identityMapped: false, regionBase, device);

    /// <summary>
    /// As <see cref="Execute"/>, for a guest without paging (or tests and tools): the faulting GPA
    /// is the effective address the instruction computes.
    /// </summary>
    public MmioExecutionResult ExecuteIdentityMapped(ReadOnlySpan<byte> code, CpuState cpu, ulong regionBase, IMmio device) =>
        Run(code, cpu, 0, identityMapped: true, regionBase, device);

    private MmioExecutionResult Run(ReadOnlySpan<byte> code, CpuState cpu, ulong faultingGpa, bool identityMapped, ulong regionBase, IMmio device)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(device);

        ulong rip = cpu.Rip;
        ref CacheEntry entry = ref Lookup(code, rip, out MmioStatus decodeStatus);
        if (decodeStatus != MmioStatus.Executed)
        {
            return Finish(MmioExecutionResult.Refused(decodeStatus, 0), ref entry, code, rip);
        }

        ref readonly DecodedAccess access = ref entry.Access;
        if (entry.Status != MmioStatus.Executed)
        {
            return Finish(MmioExecutionResult.Refused(entry.Status, access.Length), ref entry, code, rip);
        }

        ulong linear = LinearAddress(access, cpu, out ulong bitIndex);
        ulong gpa = identityMapped ? linear : faultingGpa;
        MmioStatus status = CheckAddress(linear, gpa, regionBase, access.Size, device.Length);
        if (status != MmioStatus.Executed)
        {
            return Finish(MmioExecutionResult.Refused(status, access.Length), ref entry, code, rip);
        }

        MmioExecutionResult result = Perform(access, cpu, unchecked(gpa - regionBase), bitIndex, device);
        cpu.Rip = unchecked(rip + access.Length);
        return Finish(result, ref entry, code, rip);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MmioExecutionResult Finish(MmioExecutionResult result, ref CacheEntry entry, ReadOnlySpan<byte> code, ulong rip)
    {
        if (Trace is { } trace)
        {
            _traceFormatter ??= new TraceFormatter();
            _traceFormatter.Write(trace, RegisterName, result, ref entry.Instruction, result.Status is MmioStatus.InvalidInstruction or MmioStatus.IncompleteInstruction, code, rip);
        }

        return result;
    }

    /// <summary>The cache entry for (RIP, bytes), decoding and classifying on a miss.</summary>
    private ref CacheEntry Lookup(ReadOnlySpan<byte> code, ulong rip, out MmioStatus decodeStatus)
    {
        ref CacheEntry entry = ref _cache[(int)((rip ^ (rip >> 6)) & (CacheEntries - 1))];
        int length = entry.Access.Length;
        if (entry.Valid && entry.Rip == rip && code.Length >= length
            && code[..length].SequenceEqual(((ReadOnlySpan<byte>)entry.Code)[..length]))
        {
            decodeStatus = MmioStatus.Executed;
            return ref entry;
        }

        entry.Valid = false;
        _reader.Reset(code);
        _decoder.IP = rip;
        _decoder.Decode(out entry.Instruction);
        if (entry.Instruction.IsInvalid)
        {
            decodeStatus = _decoder.LastError == DecoderError.NoMoreBytes
                ? MmioStatus.IncompleteInstruction
                : MmioStatus.InvalidInstruction;
            return ref entry;
        }

        entry.Status = InstructionClassifier.Classify(entry.Instruction, out entry.Access);
        entry.Access.Length = (byte)entry.Instruction.Length;
        code[..entry.Access.Length].CopyTo(entry.Code);
        entry.Rip = rip;
        entry.Valid = true;
        decodeStatus = MmioStatus.Executed;
        return ref entry;
    }

    /// <summary>
    /// The linear address of the access: segment base + base + index × scale + displacement, wrapped
    /// to 32 bits under a 0x67 prefix. For BTS/BTR with a register bit offset the CPU addresses the
    /// operand-sized word that holds the bit (Intel SDM Vol. 2 "BT": bit-string addressing), so the
    /// signed offset moves the address; <paramref name="bitIndex"/> is the bit within that word.
    /// </summary>
    private static ulong LinearAddress(in DecodedAccess access, CpuState cpu, out ulong bitIndex)
    {
        ulong address = access.Displacement;
        if (access.Base != DecodedAccess.NoRegister)
        {
            address = unchecked(address + cpu[(GeneralRegister)access.Base]);
        }

        if (access.Index != DecodedAccess.NoRegister)
        {
            address = unchecked(address + (cpu[(GeneralRegister)access.Index] * access.Scale));
        }

        bitIndex = 0;
        if (access.Operation is AccessOperation.Bts or AccessOperation.Btr)
        {
            int bits = access.Size * 8;
            if (access.Register == DecodedAccess.NoRegister)
            {
                bitIndex = access.Immediate & (ulong)(bits - 1);
            }
            else
            {
                long offset = unchecked((long)Alu.SignExtend(cpu[(GeneralRegister)access.Register], access.Size));
                bitIndex = unchecked((ulong)offset & (ulong)(bits - 1));
                address = unchecked(address + (ulong)((offset >> System.Numerics.BitOperations.Log2((uint)bits)) * access.Size));
            }
        }

        if (access.Address32)
        {
            address &= uint.MaxValue;
        }

        return access.Segment switch
        {
            SegmentBase.Fs => unchecked(address + cpu.FsBase),
            SegmentBase.Gs => unchecked(address + cpu.GsBase),
            _ => address,
        };
    }

    private static MmioStatus CheckAddress(ulong linear, ulong gpa, ulong regionBase, int size, int regionLength)
    {
        if (((linear ^ gpa) & PageOffsetMask) != 0)
        {
            return MmioStatus.AddressMismatch;
        }

        ulong offset = unchecked(gpa - regionBase);
        if (gpa < regionBase || offset >= (ulong)regionLength || (ulong)size > (ulong)regionLength - offset)
        {
            return MmioStatus.OutsideRegion;
        }

        // Registers are DWORDs or QWORDs on their natural alignment; only an aligned QWORD may
        // cross a DWORD boundary (spec-notes/mmio.md "Straddling accesses").
        bool crossesDword = (offset & 3) + (ulong)size > 4;
        bool alignedQword = size == 8 && (offset & 7) == 0;
        return crossesDword && !alignedQword ? MmioStatus.StraddlesRegisters : MmioStatus.Executed;
    }

    private static MmioExecutionResult Perform(in DecodedAccess access, CpuState cpu, ulong offset, ulong bitIndex, IMmio device)
    {
        int size = access.Size;
        ulong mask = Alu.Mask(size);
        switch (access.Operation)
        {
            case AccessOperation.Load:
                {
                    ulong value = device.Read(offset, size) & mask;
                    WriteGpr(cpu, access, access.SignExtend ? Alu.SignExtend(value, size) : value);
                    return Executed(access, new MmioAccess(offset, size, MmioDirection.Read, value), null);
                }

            case AccessOperation.Store:
                {
                    ulong value = (access.Register == DecodedAccess.NoRegister ? access.Immediate : ReadGpr(cpu, access)) & mask;
                    device.Write(offset, size, value);
                    return Executed(access, null, new MmioAccess(offset, size, MmioDirection.Write, value));
                }

            case AccessOperation.LoadXmm:
                {
                    // Legacy-SSE MOVD/MOVQ loads zero bits 127:32 (MOVD) or 127:64 (MOVQ).
                    ulong value = device.Read(offset, size) & mask;
                    cpu.SetXmm(access.Register, value);
                    return Executed(access, new MmioAccess(offset, size, MmioDirection.Read, value), null);
                }

            case AccessOperation.StoreXmm:
                {
                    // The low quadword of the XMM register; the upper half is not stored.
                    ulong value = unchecked((ulong)cpu.GetXmm(access.Register)) & mask;
                    device.Write(offset, size, value);
                    return Executed(access, null, new MmioAccess(offset, size, MmioDirection.Write, value));
                }

            case AccessOperation.Exchange:
                {
                    ulong old = device.Read(offset, size) & mask;
                    ulong value = ReadGpr(cpu, access);
                    device.Write(offset, size, value);
                    WriteGpr(cpu, access, old);
                    return Executed(access, new MmioAccess(offset, size, MmioDirection.Read, old), new MmioAccess(offset, size, MmioDirection.Write, value));
                }

            default:
                {
                    ulong old = device.Read(offset, size) & mask;
                    ulong source = access.Operation is AccessOperation.Bts or AccessOperation.Btr
                        ? bitIndex
                        : access.Register == DecodedAccess.NoRegister ? access.Immediate : ReadGpr(cpu, access);
                    RflagsBits flags = cpu.Rflags;
                    ulong value = Alu.Compute(access.Operation, old, source, size, ref flags);
                    device.Write(offset, size, value);
                    cpu.Rflags = flags;
                    return Executed(access, new MmioAccess(offset, size, MmioDirection.Read, old), new MmioAccess(offset, size, MmioDirection.Write, value));
                }
        }
    }

    private static MmioExecutionResult Executed(in DecodedAccess access, MmioAccess? read, MmioAccess? write) =>
        new(MmioStatus.Executed, access.Length, read, write);

    private static ulong ReadGpr(CpuState cpu, in DecodedAccess access)
    {
        ulong value = cpu[(GeneralRegister)access.Register];
        return access.HighByte ? (value >> 8) & 0xFF : value & Alu.Mask(access.RegisterSize);
    }

    /// <summary>
    /// Writes a general register with x86-64 partial-register rules: 8- and 16-bit writes keep the
    /// other bits, a 32-bit write zeroes bits 63:32 (Intel SDM Vol. 1 §3.4.1.1).
    /// </summary>
    private static void WriteGpr(CpuState cpu, in DecodedAccess access, ulong value)
    {
        var register = (GeneralRegister)access.Register;
        ulong old = cpu[register];
        cpu[register] = access.RegisterSize switch
        {
            1 when access.HighByte => (old & ~0xFF00UL) | ((value & 0xFF) << 8),
            1 => (old & ~0xFFUL) | (value & 0xFF),
            2 => (old & ~0xFFFFUL) | (value & 0xFFFF),
            4 => value & uint.MaxValue,
            _ => value,
        };
    }

    /// <summary>One decoded instruction, keyed by RIP and its bytes.</summary>
    private struct CacheEntry
    {
        public bool Valid;
        public ulong Rip;
        public InstructionBytes Code;
        public MmioStatus Status;
        public DecodedAccess Access;
        public Instruction Instruction;
    }

    [InlineArray(TrapCodeReader.MaxInstructionLength)]
    private struct InstructionBytes
    {
        private byte _element0;
    }
}
