using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Invalidation;

/// <summary>Plays the driver side of queued invalidation the way Linux does: IQA, IQT = 0, GCMD.QIE, then descriptors at the tail.</summary>
internal sealed class InvalidationQueueDriver
{
    public const ulong DefaultBase = 0x10_0000;

    public InvalidationQueueDriver(RemappingUnit unit, GuestMemory memory, int qs = 0, bool wide = false, ulong queueBase = DefaultBase)
    {
        Unit = unit;
        Memory = memory;
        Wide = wide;
        QueueBytes = 4096 << qs;
        unit.Write((ulong)VtdRegister.IQA, 8, queueBase | (wide ? 0x800UL : 0) | (uint)qs);
        unit.Write((ulong)VtdRegister.IQT, 8, 0);
        QueueBase = queueBase;
        SetGlobalCommand(unit, GlobalCommand.QIE, true);
    }

    public RemappingUnit Unit { get; }

    public GuestMemory Memory { get; }

    public bool Wide { get; }

    public int QueueBytes { get; }

    public ulong QueueBase { get; }

    public int Tail { get; private set; }

    public int DescriptorBytes => Wide ? 32 : 16;

    public ulong Head => Unit.Read((ulong)VtdRegister.IQH, 8);

    public static void SetGlobalCommand(RemappingUnit unit, GlobalCommand bit, bool set)
    {
        uint status = (uint)unit.Read((ulong)VtdRegister.GSTS, 4) & 0x96FF_FFFF;
        unit.Write((ulong)VtdRegister.GCMD, 4, set ? status | (uint)bit : status & ~(uint)bit);
    }

    /// <summary>Writes one descriptor at the tail and advances the software tail (IQT is not written).</summary>
    public int Put((ulong Qw0, ulong Qw1) descriptor, ulong qw2 = 0, ulong qw3 = 0)
    {
        int at = Tail;
        ulong address = QueueBase + (ulong)at;
        Assert.True(Memory.TryWrite64(address, descriptor.Qw0));
        Assert.True(Memory.TryWrite64(address + 8, descriptor.Qw1));
        if (Wide)
        {
            Assert.True(Memory.TryWrite64(address + 16, qw2));
            Assert.True(Memory.TryWrite64(address + 24, qw3));
        }

        Tail = (Tail + DescriptorBytes) % QueueBytes;
        return at;
    }

    /// <summary>Puts the descriptors and writes IQT once.</summary>
    public void Submit(params (ulong Qw0, ulong Qw1)[] descriptors)
    {
        foreach ((ulong, ulong) descriptor in descriptors)
        {
            Put(descriptor);
        }

        WriteTail();
    }

    public void WriteTail() => Unit.Write((ulong)VtdRegister.IQT, 8, (ulong)Tail);
}
