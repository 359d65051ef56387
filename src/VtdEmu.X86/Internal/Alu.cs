using System.Numerics;
using System.Runtime.CompilerServices;

namespace VtdEmu.X86.Internal;

/// <summary>
/// Results and status flags of the read-modify-write forms, as the Intel SDM Vol. 2 defines them
/// for ADD, SUB, AND, OR, XOR, BTS and BTR. Flags the SDM calls undefined keep their old value.
/// </summary>
internal static class Alu
{
    /// <summary>All-ones in the low <paramref name="size"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int size) => size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;

    /// <summary>Sign-extends the low <paramref name="size"/> bytes of <paramref name="value"/> to 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SignExtend(ulong value, int size)
    {
        int shift = 64 - (size * 8);
        return unchecked((ulong)((long)(value << shift) >> shift));
    }

    /// <summary>
    /// Computes <paramref name="operation"/> on <paramref name="size"/>-byte operands and returns the
    /// result; <paramref name="flags"/> is updated with the flags the instruction defines.
    /// </summary>
    public static ulong Compute(AccessOperation operation, ulong destination, ulong source, int size, ref RflagsBits flags)
    {
        ulong mask = Mask(size);
        ulong sign = 1UL << ((size * 8) - 1);
        ulong a = destination & mask;
        ulong b = source & mask;
        ulong result;
        switch (operation)
        {
            case AccessOperation.Add:
                result = unchecked(a + b) & mask;
                flags = Arithmetic(flags, result, sign, carry: result < a, overflow: ((a ^ result) & (b ^ result) & sign) != 0, auxiliary: ((a ^ b ^ result) & 0x10) != 0);
                return result;
            case AccessOperation.Sub:
                result = unchecked(a - b) & mask;
                flags = Arithmetic(flags, result, sign, carry: a < b, overflow: ((a ^ b) & (a ^ result) & sign) != 0, auxiliary: ((a ^ b ^ result) & 0x10) != 0);
                return result;
            case AccessOperation.And:
            case AccessOperation.Or:
            case AccessOperation.Xor:
                result = operation switch
                {
                    AccessOperation.And => a & b,
                    AccessOperation.Or => a | b,
                    _ => a ^ b,
                };

                // CF = OF = 0, SF/ZF/PF from the result; AF is undefined and kept.
                flags = ResultFlags(flags & ~(RflagsBits.CF | RflagsBits.OF), result, sign);
                return result;
            default:
                // BTS/BTR: the bit offset was already reduced modulo the operand width.
                ulong bit = 1UL << (int)source;
                flags = (a & bit) != 0 ? flags | RflagsBits.CF : flags & ~RflagsBits.CF;
                return operation == AccessOperation.Bts ? a | bit : a & ~bit;
        }
    }

    private static RflagsBits Arithmetic(RflagsBits flags, ulong result, ulong sign, bool carry, bool overflow, bool auxiliary)
    {
        flags &= ~(RflagsBits.CF | RflagsBits.OF | RflagsBits.AF);
        if (carry)
        {
            flags |= RflagsBits.CF;
        }

        if (overflow)
        {
            flags |= RflagsBits.OF;
        }

        if (auxiliary)
        {
            flags |= RflagsBits.AF;
        }

        return ResultFlags(flags, result, sign);
    }

    private static RflagsBits ResultFlags(RflagsBits flags, ulong result, ulong sign)
    {
        flags &= ~(RflagsBits.SF | RflagsBits.ZF | RflagsBits.PF);
        if ((result & sign) != 0)
        {
            flags |= RflagsBits.SF;
        }

        if (result == 0)
        {
            flags |= RflagsBits.ZF;
        }

        if ((BitOperations.PopCount(result & 0xFF) & 1) == 0)
        {
            flags |= RflagsBits.PF;
        }

        return flags;
    }
}
