using CsCheck;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    /// <summary>
    /// Guest-controlled descriptors never make the unit throw, and the queue stops exactly where the
    /// spec's field tables say: after one IQT write, IQH points at the first descriptor
    /// <see cref="DescriptorOracle"/> rejects, with FSTS.IQE and that descriptor's IQEI, or at IQT with
    /// no IQE when every descriptor is valid. Legacy mode with 128-bit descriptors on every preset;
    /// scalable mode with 256-bit descriptors (PASID-based types, page group responses) where SMTS is
    /// reported.
    /// </summary>
    [Theory]
    [MemberData(nameof(QueueModes))]
    public void Queue_RandomDescriptors_StopAtTheFirstOneTheSpecRejects(string preset, bool scalable)
    {
        Gen.Select(Gen.ULong.Array[4, 40], Gen.Int[0, 8], Gen.ULong).Sample(
            (words, typeBias, flips) =>
            {
                // Samples run in parallel: everything is local (no shared memory or interrupt sink).
                var memory = new GuestMemory(new MemoryRange(0, 1UL << 30));
                var unit = new RemappingUnit(memory, UnitConfiguration.FindPreset(preset)!);
                if (scalable)
                {
                    LatchRoot(unit, TranslationTableMode.Scalable);
                }

                var queue = new InvalidationQueueDriver(unit, memory, wide: scalable);
                var expected = InvalidationQueueError.None;
                int expectedHead = -1;
                for (int i = 0; i + 3 < words.Length; i += 4)
                {
                    // Three descriptors in four have a defined type and only that type's fields set, plus
                    // (three times in four) one stray bit anywhere or in a reserved field, so the
                    // field and value checks are reached.
                    (ulong qw0, ulong qw1) = (words[i], words[i + 1]);
                    if ((i / 4) % 4 != 3)
                    {
                        int type = 1 + ((typeBias + (i / 4)) % 9);
                        (ulong defined0, ulong defined1) = DescriptorOracle.DefinedBits(type);
                        qw0 = (qw0 & defined0 & ~0xE0FUL) | (uint)type;
                        qw1 &= defined1;
                        ulong flip = flips >> (i % 48);
                        int bit = (int)((flip >> 2) & 63);
                        switch (flip & 3)
                        {
                            case 1:
                                qw0 ^= 1UL << bit;
                                break;
                            case 2:
                                qw1 ^= 1UL << bit;
                                break;
                            case 3:
                                (qw0, qw1) = SetReservedBit(qw0, qw1, ~defined0, ~defined1, bit);
                                break;
                        }
                    }

                    (ulong qw2, ulong qw3) = scalable && (words[i + 2] & 3) == 0 ? (words[i + 2], words[i + 3]) : (0UL, 0UL);
                    int at = queue.Put((qw0, qw1), qw2, qw3);
                    if (expectedHead < 0)
                    {
                        expected = DescriptorOracle.Expected(unit, scalable, scalable, qw0, qw1, qw2, qw3);
                        expectedHead = expected == InvalidationQueueError.None ? -1 : at;
                    }
                }

                queue.WriteTail();
                bool stopped = (Read32(unit, VtdRegister.FSTS) & Iqe) != 0;
                Assert.Equal(expectedHead >= 0, stopped);
                Assert.Equal(expectedHead >= 0 ? (ulong)expectedHead : (ulong)queue.Tail, queue.Head);
                Assert.Equal(expected, (InvalidationQueueError)Iqei(unit));
            },
            iter: 500);
    }

    // Sets the (n mod count)-th reserved bit of QW0:QW1, if the type has any.
    private static (ulong Qw0, ulong Qw1) SetReservedBit(ulong qw0, ulong qw1, ulong reserved0, ulong reserved1, int n)
    {
        int count = System.Numerics.BitOperations.PopCount(reserved0) + System.Numerics.BitOperations.PopCount(reserved1);
        for (int k = count == 0 ? -1 : n % count, b = 0; k >= 0 && b < 128; b++)
        {
            ulong reserved = b < 64 ? reserved0 : reserved1;
            if (((reserved >> (b & 63)) & 1) != 0 && k-- == 0)
            {
                return b < 64 ? (qw0 | (1UL << b), qw1) : (qw0, qw1 | (1UL << (b - 64)));
            }
        }

        return (qw0, qw1);
    }

    public static TheoryData<string, bool> QueueModes => new()
    {
        { "qemu", false },
        { "qemu-sm", false },
        { "broadwell", false },
        { "sapphire-rapids", false },
        { "qemu-sm", true },
        { "qemu-sm-prs", true },
        { "sapphire-rapids", true },
    };
}
