using Iced.Intel;

namespace VtdEmu.X86.Internal;

/// <summary>
/// Turns a decoded Iced <see cref="Instruction"/> into a <see cref="DecodedAccess"/> or a refusal
/// reason. This is the edge where Iced types stop.
/// </summary>
internal static class InstructionClassifier
{
    /// <summary>Classifies <paramref name="instruction"/>; on <see cref="MmioStatus.Executed"/> <paramref name="access"/> is filled.</summary>
    public static MmioStatus Classify(in Instruction instruction, out DecodedAccess access)
    {
        access = default;
        if (instruction.IsStringInstruction)
        {
            return MmioStatus.StringInstruction;
        }

        int memoryOperand = FindMemoryOperand(instruction);
        if (memoryOperand < 0 || instruction.Mnemonic is Mnemonic.Lea or Mnemonic.Nop)
        {
            return MmioStatus.NotMemoryAccess;
        }

        int size = instruction.MemorySize.GetSize();
        if (size is not (1 or 2 or 4 or 8) || instruction.OpCount != 2)
        {
            return MmioStatus.UnsupportedInstruction;
        }

        access.Size = (byte)size;
        access.Register = DecodedAccess.NoRegister;
        if (!TryDescribeMemory(instruction, ref access))
        {
            return MmioStatus.UnsupportedInstruction;
        }

        int other = 1 - memoryOperand;
        OpKind otherKind = instruction.GetOpKind(other);
        bool toMemory = memoryOperand == 0;
        bool ok = instruction.Mnemonic switch
        {
            Mnemonic.Mov => toMemory
                ? SetSource(instruction, other, otherKind, AccessOperation.Store, ref access)
                : SetGprDestination(instruction, other, AccessOperation.Load, signExtend: false, ref access),
            Mnemonic.Movzx => !toMemory && SetGprDestination(instruction, other, AccessOperation.Load, signExtend: false, ref access),
            Mnemonic.Movsx or Mnemonic.Movsxd =>
                !toMemory && SetGprDestination(instruction, other, AccessOperation.Load, signExtend: true, ref access),
            Mnemonic.Movd or Mnemonic.Movq => SetXmm(instruction, other, toMemory, ref access),
            Mnemonic.Xchg => otherKind == OpKind.Register && SetSource(instruction, other, otherKind, AccessOperation.Exchange, ref access),
            Mnemonic.Add => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Add, ref access),
            Mnemonic.Sub => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Sub, ref access),
            Mnemonic.And => toMemory && SetSource(instruction, other, otherKind, AccessOperation.And, ref access),
            Mnemonic.Or => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Or, ref access),
            Mnemonic.Xor => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Xor, ref access),
            Mnemonic.Bts => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Bts, ref access),
            Mnemonic.Btr => toMemory && SetSource(instruction, other, otherKind, AccessOperation.Btr, ref access),
            _ => false,
        };
        return ok ? MmioStatus.Executed : MmioStatus.UnsupportedInstruction;
    }

    private static int FindMemoryOperand(in Instruction instruction)
    {
        for (int i = 0; i < instruction.OpCount; i++)
        {
            if (instruction.GetOpKind(i) == OpKind.Memory)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryDescribeMemory(in Instruction instruction, ref DecodedAccess access)
    {
        Register memoryBase = instruction.MemoryBase;
        Register memoryIndex = instruction.MemoryIndex;
        access.Displacement = instruction.MemoryDisplacement64;
        access.Scale = (byte)instruction.MemoryIndexScale;
        access.Base = DecodedAccess.NoRegister;
        access.Index = DecodedAccess.NoRegister;
        access.Segment = instruction.MemorySegment switch
        {
            Register.FS => SegmentBase.Fs,
            Register.GS => SegmentBase.Gs,
            _ => SegmentBase.None,
        };

        // RIP/EIP-relative: the decoder already folded RIP + length + disp32 into the displacement
        // (and truncated it to 32 bits for EIP), because it was given the trapped RIP.
        if (memoryBase is Register.RIP or Register.EIP)
        {
            return memoryIndex == Register.None;
        }

        if (memoryBase != Register.None)
        {
            if (!memoryBase.IsGPR32() && !memoryBase.IsGPR64())
            {
                return false;
            }

            access.Base = (sbyte)memoryBase.GetFullRegister().GetNumber();
            access.Address32 = memoryBase.IsGPR32();
        }

        if (memoryIndex != Register.None)
        {
            if (!memoryIndex.IsGPR32() && !memoryIndex.IsGPR64())
            {
                return false;
            }

            access.Index = (sbyte)memoryIndex.GetFullRegister().GetNumber();
            access.Address32 |= memoryIndex.IsGPR32();
        }

        // With neither base nor index the decoder already extended the displacement as the
        // address size requires (sign-extended for 64-bit, zero-extended for 32-bit).
        return true;
    }

    /// <summary>Register or immediate source of a store, exchange or read-modify-write.</summary>
    private static bool SetSource(in Instruction instruction, int operand, OpKind kind, AccessOperation operation, ref DecodedAccess access)
    {
        access.Operation = operation;
        if (kind == OpKind.Register)
        {
            return SetGpr(instruction.GetOpRegister(operand), ref access);
        }

        if (kind is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32 or OpKind.Immediate64
            or OpKind.Immediate8to16 or OpKind.Immediate8to32 or OpKind.Immediate8to64 or OpKind.Immediate32to64)
        {
            access.Immediate = instruction.GetImmediate(operand);
            return operation != AccessOperation.Exchange;
        }

        return false;
    }

    private static bool SetGprDestination(in Instruction instruction, int operand, AccessOperation operation, bool signExtend, ref DecodedAccess access)
    {
        access.Operation = operation;
        access.SignExtend = signExtend;
        return instruction.GetOpKind(operand) == OpKind.Register && SetGpr(instruction.GetOpRegister(operand), ref access);
    }

    private static bool SetGpr(Register register, ref DecodedAccess access)
    {
        if (!register.IsGPR())
        {
            return false;
        }

        access.Register = (sbyte)register.GetFullRegister().GetNumber();
        access.RegisterSize = (byte)register.GetSize();
        access.HighByte = register is Register.AH or Register.CH or Register.DH or Register.BH;
        return true;
    }

    private static bool SetXmm(in Instruction instruction, int operand, bool toMemory, ref DecodedAccess access)
    {
        Register register = instruction.GetOpRegister(operand);
        if (instruction.GetOpKind(operand) != OpKind.Register || !register.IsXMM()
            || instruction.Encoding != EncodingKind.Legacy)
        {
            return false;
        }

        access.Operation = toMemory ? AccessOperation.StoreXmm : AccessOperation.LoadXmm;
        access.Register = (sbyte)register.GetNumber();
        access.RegisterSize = 16;
        return true;
    }
}
