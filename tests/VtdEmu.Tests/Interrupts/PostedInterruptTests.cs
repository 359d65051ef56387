using VtdEmu.Caches;
using VtdEmu.Interrupts;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Tests.Interrupts;

/// <summary>
/// Interrupt posting (VT-d spec §5.2.3, spec-notes/interrupt-remapping.md §5): the request always sets
/// its PIR bit; the notification event (NV to NDST) is generated, and ON set, only when ON was clear
/// and either SN is clear or the IRTE is urgent.
/// </summary>
public sealed class PostedInterruptTests
{
    private const ulong Table = 0x10000;
    private const ulong Descriptor = 0x20040;
    private const ushort Device = 0x0318;

    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x100000));
    private readonly InterruptRemapper _remapper;

    public PostedInterruptTests() => _remapper = new InterruptRemapper(_memory, new InterruptEntryCache(new CacheGeometry(16, 4)), postingSupported: true);

    [Theory]
    [InlineData(false, false, false, true)]  // ON 0, SN 0: notify
    [InlineData(true, false, false, false)]  // ON 1: already outstanding
    [InlineData(false, true, false, false)]  // SN 1, not urgent: suppressed
    [InlineData(false, true, true, true)]    // SN 1, urgent: notify
    [InlineData(true, true, true, false)]    // ON 1 wins over URG
    public void Post_SetsPir_NotifiesOnlyOnOnTransition(bool on, bool sn, bool urgent, bool notifies)
    {
        WriteDescriptor(PostedInterruptDescriptor.Create(0xF2, 0x0500, on, sn));
        WriteIrte(3, PostedInterruptRemapEntry.Create(0x9A, Descriptor, urgent));

        InterruptRemapResult result = Post(3, x2Apic: false);

        PostedInterruptDescriptor after = ReadDescriptor();
        Assert.Equal(InterruptStatus.Posted, result.Status);
        Assert.True(after.IsRequested(0x9A));
        Assert.Equal(notifies, result.Notified);
        Assert.Equal(on || notifies, after.ON);
        Assert.Equal(sn, after.SN);
        if (notifies)
        {
            Assert.Equal(new ApicInterrupt(5, 0xF2), result.Interrupt); // xAPIC: NDST bits 15:8
        }
    }

    [Fact]
    public void Post_SecondRequestBeforeSoftwareClearsOn_OnlyAccumulatesPir()
    {
        WriteDescriptor(PostedInterruptDescriptor.Create(0xF2, 0x0000_0107));
        WriteIrte(3, PostedInterruptRemapEntry.Create(0x21, Descriptor));
        WriteIrte(4, PostedInterruptRemapEntry.Create(0xE0, Descriptor));

        InterruptRemapResult first = Post(3, x2Apic: true);
        InterruptRemapResult second = Post(4, x2Apic: true);

        Assert.True(first.Notified);
        Assert.Equal(new ApicInterrupt(0x107, 0xF2), first.Interrupt); // x2APIC: all 32 NDST bits
        Assert.False(second.Notified);
        PostedInterruptDescriptor after = ReadDescriptor();
        Assert.True(after.IsRequested(0x21));
        Assert.True(after.IsRequested(0xE0));
        Assert.Equal(1UL << 0x21, after.PirWord(0));
        Assert.Equal(1UL << (0xE0 - 192), after.PirWord(3));
    }

    [Fact]
    public void Post_DescriptorReservedBytesAreNotTouched()
    {
        Assert.True(_memory.TryWrite64(Descriptor + 40, 0xDEAD_BEEF));
        WriteDescriptor(PostedInterruptDescriptor.Create(0xF2, 0));
        WriteIrte(3, PostedInterruptRemapEntry.Create(0x21, Descriptor));

        Post(3, x2Apic: true);

        Assert.True(_memory.TryRead64(Descriptor + 40, out ulong reserved));
        Assert.Equal(0xDEAD_BEEFUL, reserved);
    }

    private InterruptRemapResult Post(int index, bool x2Apic) =>
        _remapper.Remap(new InterruptRequest(Device, InterruptRequest.RemappableAddress(index), 0), new InterruptRemapState(true, false, Table | (x2Apic ? 0x800UL : 0) | 7));

    private void WriteDescriptor(PostedInterruptDescriptor descriptor)
    {
        byte[] raw = new byte[PostedInterruptDescriptor.Size];
        descriptor.WriteTo(raw);
        Assert.True(_memory.TryWrite(Descriptor, raw.AsSpan(0, 40)));
    }

    private PostedInterruptDescriptor ReadDescriptor()
    {
        byte[] raw = new byte[PostedInterruptDescriptor.Size];
        Assert.True(_memory.TryRead(Descriptor, raw));
        return PostedInterruptDescriptor.ReadFrom(raw);
    }

    private void WriteIrte(int index, PostedInterruptRemapEntry irte)
    {
        Assert.True(_memory.TryWrite64(Table + ((ulong)index * 16), irte.Low));
        Assert.True(_memory.TryWrite64(Table + ((ulong)index * 16) + 8, irte.High));
    }
}
