using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Tests.Interrupts;

/// <summary>
/// The interrupt-remapping check chain (VT-d spec ch. 5, spec-notes/interrupt-remapping.md §2), one
/// test per fault reason 0x20-0x27, source validation, destination modes and the IEC.
/// </summary>
public sealed class InterruptRemapperTests
{
    private const ulong Table = 0x10000;
    private const ushort Device = 0x0318; // 03:03.0
    private const int TableSizeField = 7; // S = 7: 256 entries

    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x100000));
    private readonly InterruptEntryCache _cache = new(new CacheGeometry(16, 4));
    private readonly InterruptRemapper _remapper;

    public InterruptRemapperTests() => _remapper = new InterruptRemapper(_memory, _cache, postingSupported: true);

    private static InterruptRemapState XApic => new(Enabled: true, CompatibilityAllowed: false, Table | TableSizeField);

    private static InterruptRemapState X2Apic => new(Enabled: true, CompatibilityAllowed: false, Table | 0x800 | TableSizeField);

    [Fact]
    public void Remapped_XApic_DeliversTheIrteAttributes()
    {
        // xAPIC mode: the APIC id sits in DST bits 15:8 (entry bits 47:40).
        WriteIrte(5, InterruptRemapEntry.Create(vector: 0x41, destination: 0x0300, deliveryMode: 1, logical: true, level: true, redirectionHint: true));

        InterruptRemapResult result = Remap(5);

        Assert.Equal(InterruptStatus.Delivered, result.Status);
        Assert.True(result.Remapped);
        Assert.Equal(new ApicInterrupt(3, 0x41, 1, Logical: true, Level: true, RedirectionHint: true), result.Interrupt);
    }

    [Fact]
    public void Remapped_X2Apic_Delivers32BitDestination()
    {
        WriteIrte(5, InterruptRemapEntry.Create(vector: 0x41, destination: 0x1234_5678));

        Assert.Equal(0x1234_5678u, Remap(5, X2Apic).Interrupt.Destination);
    }

    [Fact]
    public void Fault20_ReservedBitsInRequest()
    {
        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0));

        InterruptRemapResult result = _remapper.Remap(new InterruptRequest(Device, InterruptRequest.RemappableAddress(5), 0x0001_0000), XApic);

        AssertBlocked(result, FaultReason.InterruptRequestReserved);
    }

    [Theory]
    [InlineData(255, false)]
    [InlineData(256, true)]
    public void Fault21_IndexBeyondTableSize(int index, bool faults)
    {
        WriteIrte(255, InterruptRemapEntry.Create(0x41, 0));

        InterruptRemapResult result = Remap(index);

        Assert.Equal(faults ? FaultReason.InterruptIndexBeyondTable : FaultReason.None, result.Fault);
    }

    [Fact]
    public void Fault21_SubhandleAddedBeyondTable()
    {
        // handle 200 + subhandle 100 = index 300 >= 256.
        InterruptRemapResult result = _remapper.Remap(new InterruptRequest(Device, InterruptRequest.RemappableAddress(200, subhandleValid: true), 100), XApic);

        AssertBlocked(result, FaultReason.InterruptIndexBeyondTable);
        Assert.Equal(300, result.Index);
    }

    [Fact]
    public void Fault22_IrteNotPresent_QualifiedByFpd()
    {
        WriteIrte(1, new InterruptRemapEntry(0, 0));
        WriteIrte(2, new InterruptRemapEntry(0b10, 0)); // P = 0, FPD = 1

        AssertBlocked(Remap(1), FaultReason.IrteNotPresent);
        InterruptRemapResult suppressed = Remap(2);
        AssertBlocked(suppressed, FaultReason.IrteNotPresent);
        Assert.True(suppressed.Suppressed);
    }

    [Fact]
    public void Fault23_IrteUnreadable()
    {
        var state = new InterruptRemapState(true, false, 0x7FF0_0000 | 0xF); // table outside RAM

        AssertBlocked(Remap(0, state), FaultReason.IrteAccessError);
    }

    [Theory]
    [InlineData(0x0000_0000_0000_1000UL, 0UL, false)]            // bit 12
    [InlineData(0x0000_0000_0100_0000UL, 0UL, false)]            // bit 24
    [InlineData(0UL, 0x0000_0000_0010_0000UL, false)]            // bit 84
    [InlineData(0UL, 0x8000_0000_0000_0000UL, false)]            // bit 127
    [InlineData(0x0000_0001_0000_0000UL, 0UL, false)]            // DST bit 32: reserved in xAPIC mode
    [InlineData(0x0001_0000_0000_0000UL, 0UL, false)]            // DST bit 48: reserved in xAPIC mode
    [InlineData(0UL, 0x0000_0000_000C_0000UL, false)]            // SVT = 11 (reserved encoding)
    [InlineData(0x0000_0000_0000_1000UL, 0UL, true)]             // bit 12 in x2APIC mode too
    public void Fault24_ReservedBitsInPresentIrte(ulong extraLow, ulong extraHigh, bool x2Apic)
    {
        InterruptRemapEntry good = InterruptRemapEntry.Create(0x41, 0x0100);
        WriteIrte(7, new InterruptRemapEntry(good.Low | extraLow, good.High | extraHigh));

        AssertBlocked(Remap(7, x2Apic ? X2Apic : XApic), FaultReason.IrteReserved);
    }

    [Fact]
    public void Fault24_DestinationHighBitsAreValidInX2ApicMode()
    {
        WriteIrte(7, InterruptRemapEntry.Create(0x41, 0xFFFF_00FF));

        Assert.Equal(InterruptStatus.Delivered, Remap(7, X2Apic).Status);
    }

    [Fact]
    public void Fault24_PostedIrteWithoutCapPi()
    {
        var remapper = new InterruptRemapper(_memory, new InterruptEntryCache(CacheGeometry.Disabled), postingSupported: false);
        WriteIrte(3, PostedInterruptRemapEntry.Create(0x30, 0x20000));

        AssertBlocked(remapper.Remap(new InterruptRequest(Device, InterruptRequest.RemappableAddress(3), 0), XApic), FaultReason.IrteReserved);
    }

    [Fact]
    public void Fault25_CompatibilityFormat_BlockedUnlessCfisInXApicMode()
    {
        var compatibility = new InterruptRequest(Device, 0xFEE0_1000, 0x41);

        AssertBlocked(_remapper.Remap(compatibility, XApic), FaultReason.CompatibilityInterruptBlocked);
        AssertBlocked(_remapper.Remap(compatibility, X2Apic with { CompatibilityAllowed = true }), FaultReason.CompatibilityInterruptBlocked);
        InterruptRemapResult passed = _remapper.Remap(compatibility, XApic with { CompatibilityAllowed = true });
        Assert.Equal(InterruptStatus.Delivered, passed.Status);
        Assert.False(passed.Remapped);
        Assert.Equal(new ApicInterrupt(1, 0x41), passed.Interrupt);
    }

    [Fact]
    public void RemappingDisabled_EveryRequestPassesAsCompatibility()
    {
        InterruptRemapResult result = _remapper.Remap(new InterruptRequest(Device, 0xFEE0_2000, 0x52), default);

        Assert.Equal(InterruptStatus.Delivered, result.Status);
        Assert.Equal(new ApicInterrupt(2, 0x52), result.Interrupt);
    }

    [Theory]
    [InlineData(0, 0, (ushort)0x0000, (ushort)0x1234, true)]  // SVT 00: no check
    [InlineData(1, 0, (ushort)0x0318, (ushort)0x0318, true)]  // SVT 01 exact
    [InlineData(1, 0, (ushort)0x0318, (ushort)0x0319, false)]
    [InlineData(1, 1, (ushort)0x0318, (ushort)0x031C, true)]  // SQ 01 ignores function bit 2
    [InlineData(1, 1, (ushort)0x0318, (ushort)0x031A, false)]
    [InlineData(1, 2, (ushort)0x0318, (ushort)0x031E, true)]  // SQ 10 ignores bits 2:1
    [InlineData(1, 2, (ushort)0x0318, (ushort)0x031F, false)]
    [InlineData(1, 3, (ushort)0x0318, (ushort)0x031F, true)]  // SQ 11 ignores bits 2:0
    [InlineData(1, 3, (ushort)0x0318, (ushort)0x0320, false)]
    [InlineData(2, 0, (ushort)0x0205, (ushort)0x0318, true)]  // SVT 10: bus 3 in 2..5
    [InlineData(2, 3, (ushort)0x0205, (ushort)0x0518, true)]  // SQ is ignored for SVT 10
    [InlineData(2, 0, (ushort)0x0205, (ushort)0x0618, false)]
    [InlineData(2, 0, (ushort)0x0205, (ushort)0x0118, false)]
    public void Fault26_SourceValidation(int svt, int sq, ushort sid, ushort requester, bool accepted)
    {
        WriteIrte(9, InterruptRemapEntry.Create(0x41, 0, sid: sid, sq: sq, svt: svt));

        InterruptRemapResult result = _remapper.Remap(new InterruptRequest(requester, InterruptRequest.RemappableAddress(9), 0), XApic);

        Assert.Equal(accepted ? FaultReason.None : FaultReason.InterruptSourceIdInvalid, result.Fault);
        Assert.Equal(accepted, InterruptRemapper.SourceIsValid(svt, sq, sid, requester));
    }

    [Fact]
    public void Fault27_PostedDescriptorUnreadable()
    {
        WriteIrte(4, PostedInterruptRemapEntry.Create(0x30, 0x7FF0_0000));

        AssertBlocked(Remap(4), FaultReason.PostedDescriptorAccessError);
    }

    [Fact]
    public void Iec_EditedIrteStaysInvisibleUntilInvalidated()
    {
        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0x0100));
        Assert.Equal(0x41, Remap(5).Interrupt.Vector);

        WriteIrte(5, InterruptRemapEntry.Create(0x42, 0x0100));
        Assert.Equal(0x41, Remap(5).Interrupt.Vector); // stale: the IEC holds index 5

        _cache.InvalidateIndexes(4, 1); // indexes 4..5
        Assert.Equal(0x42, Remap(5).Interrupt.Vector);
    }

    [Fact]
    public void Iec_IndexSelectiveSparesOtherIndexes_GlobalClearsAll()
    {
        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0));
        WriteIrte(6, InterruptRemapEntry.Create(0x51, 0));
        Remap(5);
        Remap(6);
        WriteIrte(5, InterruptRemapEntry.Create(0x42, 0));
        WriteIrte(6, InterruptRemapEntry.Create(0x52, 0));

        _cache.InvalidateIndexes(6, 0);
        Assert.Equal(0x41, Remap(5).Interrupt.Vector);
        Assert.Equal(0x52, Remap(6).Interrupt.Vector);

        _cache.InvalidateAll();
        Assert.Equal(0x42, Remap(5).Interrupt.Vector);
    }

    [Fact]
    public void Iec_NotPresentEntriesAreNotCached()
    {
        WriteIrte(5, new InterruptRemapEntry(0, 0));
        AssertBlocked(Remap(5), FaultReason.IrteNotPresent);

        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0));
        Assert.Equal(InterruptStatus.Delivered, Remap(5).Status);
    }

    [Fact]
    public void Iec_SourceValidationUsesTheCachedEntry()
    {
        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0, sid: Device, svt: 1));
        Assert.Equal(InterruptStatus.Delivered, Remap(5).Status);

        WriteIrte(5, InterruptRemapEntry.Create(0x41, 0, sid: 0x0100, svt: 1));
        Assert.Equal(InterruptStatus.Delivered, Remap(5).Status); // still the cached SID
        _cache.InvalidateAll();
        AssertBlocked(Remap(5), FaultReason.InterruptSourceIdInvalid);
    }

    private static void AssertBlocked(in InterruptRemapResult result, FaultReason reason)
    {
        Assert.Equal(InterruptStatus.Blocked, result.Status);
        Assert.Equal(reason, result.Fault);
        Assert.False(result.DeliveredAnything);
    }

    private InterruptRemapResult Remap(int index, InterruptRemapState? state = null) =>
        _remapper.Remap(new InterruptRequest(Device, InterruptRequest.RemappableAddress(index), 0), state ?? XApic);

    private void WriteIrte(int index, InterruptRemapEntry irte) => WriteRaw(index, irte.Low, irte.High);

    private void WriteIrte(int index, PostedInterruptRemapEntry irte) => WriteRaw(index, irte.Low, irte.High);

    private void WriteRaw(int index, ulong low, ulong high)
    {
        Assert.True(_memory.TryWrite64(Table + ((ulong)index * 16), low));
        Assert.True(_memory.TryWrite64(Table + ((ulong)index * 16) + 8, high));
    }
}
