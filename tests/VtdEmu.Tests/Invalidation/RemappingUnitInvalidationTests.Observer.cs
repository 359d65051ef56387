using VtdEmu.Invalidation;
using VtdEmu.Registers;
using D = VtdEmu.Tests.Invalidation.QueueDescriptors;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    [Fact]
    public void InvalidationObserver_SeesEachProcessedDescriptor_InQueueOrder_NotTheInvalidOne()
    {
        RemappingUnit unit = NewUnit();
        var seen = new DescriptorLog();
        unit.InvalidationObserver = seen;
        var queue = new InvalidationQueueDriver(unit, _memory);
        (ulong, ulong) iotlb = D.Iotlb(2, DidA);
        (ulong, ulong) wait = D.Wait(sw: true, data: 2, address: StatusAddress);
        queue.Submit(iotlb, wait);
        queue.Submit((0xF, 0)); // undefined type: IQE, not processed

        Assert.Equal([(0, iotlb.Item1, iotlb.Item2), (16, wait.Item1, wait.Item2)], seen.Entries);
        Assert.Equal(InvalidationDescriptorType.InvalidationWait, seen.Types[1]);
        Assert.NotEqual(0u, Read32(unit, VtdRegister.FSTS) & Iqe);
    }

    [Fact]
    public void InvalidationObserver_WideQueue_ReportsAllFourWords()
    {
        RemappingUnit unit = NewUnit("qemu-sm");
        LatchRoot(unit, TranslationTableMode.Scalable);
        var seen = new DescriptorLog();
        unit.InvalidationObserver = seen;
        var queue = new InvalidationQueueDriver(unit, _memory, wide: true);
        queue.Submit(D.PasidCache(3, DidA));

        Assert.Equal([(0, D.PasidCache(3, DidA).Qw0, 0UL)], seen.Entries);
        Assert.Equal(0UL, seen.Wide[0]);
    }

    private sealed class DescriptorLog : IInvalidationObserver
    {
        public List<(int Offset, ulong Qw0, ulong Qw1)> Entries { get; } = [];

        public List<InvalidationDescriptorType> Types { get; } = [];

        public List<ulong> Wide { get; } = [];

        public void OnDescriptor(int queueOffset, in InvalidationDescriptor descriptor)
        {
            Entries.Add((queueOffset, descriptor.Qw0, descriptor.Qw1));
            Types.Add(descriptor.DescriptorType);
            Wide.Add(descriptor.Qw2 | descriptor.Qw3);
        }
    }
}
