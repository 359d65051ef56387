using VtdEmu.Invalidation;
using VtdEmu.Registers;
using VtdEmu.Tests.Builders;

namespace VtdEmu.Tests.Invalidation;

/// <summary>The <see cref="InvalidationQueue"/> component on its own: descriptor dispatch and the extension seam.</summary>
public sealed class InvalidationQueueTests
{
    private const ulong QueueBase = 0x10_0000;
    private const InvalidationDescriptorType PageGroupResponse = (InvalidationDescriptorType)0x9;

    private readonly ComponentRig _rig = new(UnitConfiguration.Broadwell);
    private int _tail;

    public InvalidationQueueTests()
    {
        _rig.Write(VtdRegister.IQA, 8, QueueBase);
        _rig.Write(VtdRegister.IQT, 8, 0);
        _rig.Write(VtdRegister.GCMD, 4, (uint)GlobalCommand.QIE);
        Assert.NotEqual(GlobalStatus.None, _rig.Commands.Status & GlobalStatus.QIES);
    }

    private void Submit(ulong qw0, ulong qw1 = 0)
    {
        Assert.True(_rig.Memory.TryWrite64(QueueBase + (ulong)_tail, qw0));
        Assert.True(_rig.Memory.TryWrite64(QueueBase + (ulong)_tail + 8, qw1));
        _tail += 16;
        _rig.Write(VtdRegister.IQT, 8, (ulong)_tail);
    }

    private int Iqei => (int)(_rig.Read64(VtdRegister.IQERCD) & 0xF);

    [Fact]
    public void TypeWithoutHandler_IsAnInvalidType()
    {
        Submit((ulong)PageGroupResponse);

        Assert.NotEqual(0u, _rig.Read32(VtdRegister.FSTS) & (uint)FaultStatus.IQE);
        Assert.Equal((int)InvalidationQueueError.InvalidType, Iqei);
        Assert.Equal(0UL, _rig.Read64(VtdRegister.IQH));
    }

    [Fact]
    public void Handle_NewType_ValidatedThenExecuted_HeadMovesPastIt()
    {
        var seen = new List<ulong>();
        _rig.Queue.Handle(
            PageGroupResponse,
            (in InvalidationDescriptor d, ref QueueFetch fetch) =>
            {
                seen.Add(d.Qw1);
                return false;
            },
            (in InvalidationDescriptor d, in DescriptorContext context) =>
                (d.Qw0 & 0xFFFF_0000) == 0 ? InvalidationQueueError.None : InvalidationQueueError.ReservedField);

        Submit((ulong)PageGroupResponse, 0x1234);
        Submit((ulong)PageGroupResponse | 0x1_0000, 0x5678);

        Assert.Equal([0x1234UL], seen);
        Assert.Equal(16UL, _rig.Read64(VtdRegister.IQH));
        Assert.Equal((int)InvalidationQueueError.ReservedField, Iqei);
    }

    [Fact]
    public void Handle_ReplacesBuiltInHandler_BuiltInValidationStillApplies()
    {
        int calls = 0;
        _rig.Queue.Handle(InvalidationDescriptorType.InterruptEntryCache, (in InvalidationDescriptor d, ref QueueFetch fetch) =>
        {
            calls++;
            return false;
        });

        Submit(0x4); // iec_inv_dsc, global
        Submit(0x4 | (1UL << 20)); // reserved bit 20 set: the built-in rules reject it

        Assert.Equal(1, calls);
        Assert.Equal(0, _rig.Engine.Snapshot().Performed(InvalidationSource.Queue, InvalidationRequest.InterruptEntryGlobal));
        Assert.Equal((int)InvalidationQueueError.ReservedField, Iqei);
    }

    [Fact]
    public void Handle_StopRequest_EndsTheFetchPass()
    {
        _rig.Queue.Handle(PageGroupResponse, (in InvalidationDescriptor d, ref QueueFetch fetch) => true, (in InvalidationDescriptor d, in DescriptorContext c) => InvalidationQueueError.None);
        Assert.True(_rig.Memory.TryWrite64(QueueBase, (ulong)PageGroupResponse));
        Assert.True(_rig.Memory.TryWrite64(QueueBase + 16, 0x5)); // inv_wait behind it
        _rig.Write(VtdRegister.IQT, 8, 32);

        Assert.Equal(16UL, _rig.Read64(VtdRegister.IQH));
    }

    [Fact]
    public void DisablingQueue_ResetsHead_EnablingFetchesFromZero()
    {
        Submit(0x5); // inv_wait
        Assert.Equal(16UL, _rig.Read64(VtdRegister.IQH));
        _rig.Write(VtdRegister.GCMD, 4, 0);
        Assert.Equal(0UL, _rig.Read64(VtdRegister.IQH));
    }
}
