using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Invalidation;

namespace VtdEmu.Tests.Interrupts;

/// <summary>
/// Interrupt remapping through the unit's registers (VT-d spec §5, §11.4.4 GCMD.SIRTP/IRE/CFI,
/// §6.5.2.7 iec_inv_dsc): handshakes, fault recording with the index in FRCD.FI, and IEC staleness
/// until the right invalidation.
/// </summary>
public sealed class RemappingUnitInterruptTests
{
    private const ulong Table = 0x40000;
    private const ushort Device = 0x0318;

    private readonly VtdEmu.Platform _platform = new(UnitConfiguration.Broadwell);
    private readonly RecordingApicBus _bus = new();

    public RemappingUnitInterruptTests() => Unit.ApicBus = _bus;

    private RemappingUnit Unit => _platform.Unit;

    [Fact]
    public void Sirtp_LatchesIrta_Ire_EnablesRemapping()
    {
        WriteIrte(2, InterruptRemapEntry.Create(0x41, 0x0700));

        Unit.Write((ulong)VtdRegister.IRTA, 8, Table | 7);
        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.SIRTP, true);
        Assert.NotEqual(0u, Status & (uint)GlobalStatus.IRTPS);
        Assert.Equal(InterruptStatus.Delivered, Signal(2).Status);
        Assert.False(Signal(2).Remapped); // IRES = 0: passed through

        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.IRE, true);
        Assert.NotEqual(0u, Status & (uint)GlobalStatus.IRES);
        InterruptRemapResult result = Signal(2);

        Assert.True(result.Remapped);
        Assert.Equal(new ApicInterrupt(7, 0x41), _bus.Delivered[^1]);
    }

    [Fact]
    public void IrtaWrittenWithoutSirtp_IsNotUsed()
    {
        Enable(x2Apic: false);
        WriteIrte(2, InterruptRemapEntry.Create(0x41, 0));
        Unit.Write((ulong)VtdRegister.IRTA, 8, 0x80000 | 7); // not latched

        Assert.Equal(0x41, Signal(2).Interrupt.Vector);
    }

    [Fact]
    public void Cfi_LetsCompatibilityFormatThroughInXApicMode()
    {
        Enable(x2Apic: false);
        Assert.Equal(FaultReason.CompatibilityInterruptBlocked, Unit.SignalInterrupt(Device, 0xFEE0_1000, 0x33).Fault);

        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.CFI, true);

        Assert.NotEqual(0u, Status & (uint)GlobalStatus.CFIS);
        Assert.Equal(InterruptStatus.Delivered, Unit.SignalInterrupt(Device, 0xFEE0_1000, 0x33).Status);
    }

    [Fact]
    public void Fault_IsRecordedWithIndexInFrcdFi_AndFpdSuppresses()
    {
        Enable(x2Apic: false);
        WriteIrte(0x55, new InterruptRemapEntry(0, 0));
        WriteIrte(0x56, new InterruptRemapEntry(0b10, 0)); // FPD

        Signal(0x56);
        Assert.Equal(0u, (uint)Unit.Read((ulong)VtdRegister.FSTS, 4) & (uint)FaultStatus.PPF);

        Signal(0x55);
        int frcd = Unit.Configuration.Capability.FaultRecordingOffset;
        ulong low = Unit.Read((ulong)frcd, 8);
        ulong high = Unit.Read((ulong)frcd + 8, 8);
        Assert.Equal(0x55UL, low >> 48);
        Assert.Equal((ulong)FaultReason.IrteNotPresent, (high >> 32) & 0xFF);
        Assert.Equal((ulong)Device, high & 0xFFFF);
        Assert.NotEqual(0u, (uint)Unit.Read((ulong)VtdRegister.FSTS, 4) & (uint)FaultStatus.PPF);
        Assert.Empty(_bus.Delivered);
    }

    [Fact]
    public void IecDescriptor_IndexSelective_MakesTheEditVisible()
    {
        Enable(x2Apic: true);
        var queue = new InvalidationQueueDriver(Unit, _platform.Memory);
        WriteIrte(8, InterruptRemapEntry.Create(0x41, 0x1_0000));
        Assert.Equal(0x41, Signal(8).Interrupt.Vector);

        WriteIrte(8, InterruptRemapEntry.Create(0x42, 0x2_0000));
        Assert.Equal(0x41, Signal(8).Interrupt.Vector); // stale

        queue.Submit(QueueDescriptors.InterruptEntry(indexSelective: true, im: 0, index: 9), QueueDescriptors.Wait());
        Assert.Equal(0x41, Signal(8).Interrupt.Vector); // another index: still stale

        queue.Submit(QueueDescriptors.InterruptEntry(indexSelective: true, im: 1, index: 9), QueueDescriptors.Wait());
        InterruptRemapResult fresh = Signal(8);
        Assert.Equal(new ApicInterrupt(0x2_0000, 0x42), fresh.Interrupt);
    }

    [Fact]
    public void IecDescriptor_Global_MakesEveryEditVisible()
    {
        Enable(x2Apic: true);
        var queue = new InvalidationQueueDriver(Unit, _platform.Memory);
        WriteIrte(1, InterruptRemapEntry.Create(0x41, 0));
        WriteIrte(200, InterruptRemapEntry.Create(0x51, 0));
        Signal(1);
        Signal(200);
        WriteIrte(1, InterruptRemapEntry.Create(0x42, 0));
        WriteIrte(200, new InterruptRemapEntry(0, 0));

        queue.Submit(QueueDescriptors.InterruptEntry(indexSelective: false), QueueDescriptors.Wait());

        Assert.Equal(0x42, Signal(1).Interrupt.Vector);
        Assert.Equal(FaultReason.IrteNotPresent, Signal(200).Fault);
    }

    [Fact]
    public void Sirtp_WithoutEsirtps_KeepsTheIec()
    {
        Enable(x2Apic: true);
        WriteIrte(1, InterruptRemapEntry.Create(0x41, 0));
        Signal(1);
        WriteIrte(1, InterruptRemapEntry.Create(0x42, 0));

        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.SIRTP, true);

        Assert.False(Unit.Configuration.Capability.ESIRTPS);
        Assert.Equal(0x41, Signal(1).Interrupt.Vector);
    }

    [Fact]
    public void Sirtp_WithEsirtps_InvalidatesTheIec()
    {
        UnitConfiguration esirtps = UnitConfiguration.Broadwell with
        {
            Capability = new CapabilityRegister(UnitConfiguration.Broadwell.Capability.Value | (1UL << 62)),
        };
        var platform = new VtdEmu.Platform(esirtps);
        RemappingUnit unit = platform.Unit;
        WriteIrte(platform, 1, InterruptRemapEntry.Create(0x41, 0));
        unit.Write((ulong)VtdRegister.IRTA, 8, Table | 0x800 | 7);
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.SIRTP, true);
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.IRE, true);
        Assert.Equal(0x41, unit.SignalInterrupt(Device, InterruptRequest.RemappableAddress(1), 0).Interrupt.Vector);
        WriteIrte(platform, 1, InterruptRemapEntry.Create(0x42, 0));

        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.SIRTP, true);

        Assert.Equal(0x42, unit.SignalInterrupt(Device, InterruptRequest.RemappableAddress(1), 0).Interrupt.Vector);
    }

    [Fact]
    public void ConfigureInterruptEntryCache_DisabledCache_SeesEveryEdit()
    {
        Unit.ConfigureInterruptEntryCache(VtdEmu.Caches.CacheGeometry.Disabled);
        Enable(x2Apic: true);
        WriteIrte(1, InterruptRemapEntry.Create(0x41, 0));
        Signal(1);
        WriteIrte(1, InterruptRemapEntry.Create(0x42, 0));

        Assert.Equal(0x42, Signal(1).Interrupt.Vector);
        Assert.Equal(0, Unit.InterruptEntryCache.Count);
    }

    private uint Status => (uint)Unit.Read((ulong)VtdRegister.GSTS, 4);

    private static void WriteIrte(VtdEmu.Platform platform, int index, InterruptRemapEntry irte)
    {
        Assert.True(platform.Memory.TryWrite64(Table + ((ulong)index * 16), irte.Low));
        Assert.True(platform.Memory.TryWrite64(Table + ((ulong)index * 16) + 8, irte.High));
    }

    private void Enable(bool x2Apic)
    {
        Unit.Write((ulong)VtdRegister.IRTA, 8, Table | (x2Apic ? 0x800UL : 0) | 7);
        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.SIRTP, true);
        InvalidationQueueDriver.SetGlobalCommand(Unit, GlobalCommand.IRE, true);
    }

    private InterruptRemapResult Signal(int index) => Unit.SignalInterrupt(Device, InterruptRequest.RemappableAddress(index), 0);

    private void WriteIrte(int index, InterruptRemapEntry irte) => WriteIrte(_platform, index, irte);
}
