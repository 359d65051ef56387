using CsCheck;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    /// <summary>
    /// Guest-controlled descriptors never make the unit throw. After one IQT write either the queue
    /// drained (IQH = IQT, no IQE) or IQE is set and IQH points at a descriptor the validator rejects.
    /// </summary>
    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Queue_RandomDescriptors_DrainOrStopAtTheRejectedOne(string preset)
    {
        Gen.Select(Gen.ULong.Array[1, 20], Gen.Int[0, 7]).Sample(
            (words, typeBias) =>
            {
                // Samples run in parallel: everything is local (no shared memory or interrupt sink).
                var memory = new GuestMemory(new MemoryRange(0, 1UL << 30));
                var unit = new RemappingUnit(memory, UnitConfiguration.FindPreset(preset)!);
                var queue = new InvalidationQueueDriver(unit, memory);
                for (int i = 0; i + 1 < words.Length; i += 2)
                {
                    // Keep most descriptors on a defined type so validation gets past the type check.
                    ulong qw0 = (i / 2) % 2 == 0 ? (words[i] & ~0xE0FUL) | (uint)(1 + typeBias) : words[i];
                    queue.Put((qw0, words[i + 1]));
                }

                queue.WriteTail();
                ulong head = queue.Head;
                bool stopped = (Read32(unit, VtdRegister.FSTS) & Iqe) != 0;
                Assert.Equal(0UL, head % 16);
                if (!stopped)
                {
                    Assert.Equal((ulong)queue.Tail, head);
                    return;
                }

                Assert.True(memory.TryRead64(queue.QueueBase + head, out ulong bad0));
                Assert.True(memory.TryRead64(queue.QueueBase + head + 8, out ulong bad1));
                var context = new DescriptorContext(
                    Wide: false,
                    Scalable: false,
                    unit.ExtendedCapability.DT,
                    unit.ExtendedCapability.IR,
                    unit.ExtendedCapability.PDS,
                    unit.Capability.PSI,
                    unit.Capability.MAMV,
                    unit.ExtendedCapability.MHMV);
                Assert.Equal((InvalidationQueueError)Iqei(unit), new InvalidationDescriptor(bad0, bad1).Validate(context));
            },
            iter: 200);
    }

    public static TheoryData<string> PresetNames => ["qemu", "qemu-sm", "broadwell", "sapphire-rapids"];
}
