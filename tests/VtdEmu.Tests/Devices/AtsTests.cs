using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tests.Invalidation;

namespace VtdEmu.Tests.Devices;

/// <summary>
/// ATS end to end on a legacy-mode unit with ECAP.DT (VT-d spec ch. 4, spec-notes/device-tlb.md):
/// translation requests, translated requests allowed only by TT = 01b, and device-TLB staleness
/// until a dev_tlb_inv_dsc names the page.
/// </summary>
public sealed class AtsTests
{
    private const ushort Device = 0x0018; // 00:03.0
    private const ulong Context = 0x11000 + (0x18 * 16);
    private const ulong Leaf = 0x15008; // L1[1]: IOVA 0x1000

    private readonly VtdEmu.Platform _platform = new(UnitConfiguration.Broadwell);
    private readonly PciEndpoint _nic;
    private readonly InvalidationQueueDriver _queue;

    public AtsTests()
    {
        Write(0x10000, 0x11000 | 1);
        Write(Context, 0x12000 | (1 << 2) | 1); // TT = 01b: translated and translation requests allowed
        Write(Context + 8, (1 << 8) | 2);       // DID 1, AW 48-bit / 4 levels
        Write(0x12000, 0x13000 | 3);
        Write(0x13000, 0x14000 | 3);
        Write(0x14000, 0x15000 | 3);
        Write(Leaf, 0x80000 | 3);
        RemappingUnit unit = _platform.Unit;
        unit.Write((ulong)VtdRegister.RTADDR, 8, 0x10000);
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.SRTP, true);
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.TE, true);
        _queue = new InvalidationQueueDriver(unit, _platform.Memory);
        _nic = _platform.AddDevice(Device);
        _nic.EnableAts();
    }

    [Fact]
    public void TranslationRequest_CompletesWithTheMappingAndRights()
    {
        AtsCompletion completion = _nic.AtsTranslate(0x1234, write: true);

        Assert.Equal(new AtsCompletion(true, 0x1000, 0x80000, 12, true, true), completion);
        Assert.Equal(1, _nic.DeviceTlb!.Count);
    }

    [Fact]
    public void TranslationRequest_ReadOnlyPage_GrantsReadOnly_NotPresent_GrantsNothing_NothingRecorded()
    {
        Write(Leaf, 0x80000 | 1);

        AtsCompletion readOnly = _nic.AtsTranslate(0x1000, write: true);
        AtsCompletion absent = _nic.AtsTranslate(0x2000);

        Assert.True(readOnly.Success && readOnly.Read && !readOnly.Write);
        Assert.True(absent.Success && !absent.GrantsAccess);
        Assert.Equal(0u, (uint)_platform.Unit.Read((ulong)VtdRegister.FSTS, 4) & (uint)FaultStatus.PPF);
    }

    [Fact]
    public void TranslatedWrite_UsesTheDeviceTlb_StaleUntilTheRightDevTlbInvalidation()
    {
        Assert.True(_nic.Write(0x1000, [1, 2, 3, 4], translated: true).IsCompleted);
        Assert.Equal(1u, Read32(0x80000) & 0xFF);

        // Remap the page and flush everything the unit caches: the device keeps its own translation.
        Write(Leaf, 0x90000 | 3);
        _queue.Submit(QueueDescriptors.Context(1), QueueDescriptors.Iotlb(1), QueueDescriptors.Wait());
        Assert.True(_nic.Write(0x1000, [5, 6, 7, 8], translated: true).IsCompleted);
        Assert.Equal(5u, Read32(0x80000) & 0xFF);

        _queue.Submit(QueueDescriptors.DeviceTlb(Device, 0x2000), QueueDescriptors.Wait()); // another page
        _queue.Submit(QueueDescriptors.DeviceTlb(0x0020, 0x1000), QueueDescriptors.Wait()); // another device
        Assert.True(_nic.Write(0x1000, [9, 9, 9, 9], translated: true).IsCompleted);
        Assert.Equal(9u, Read32(0x80000) & 0xFF);

        _queue.Submit(QueueDescriptors.DeviceTlb(Device, 0x1000), QueueDescriptors.Wait());
        Assert.True(_nic.Write(0x1000, [7, 7, 7, 7], translated: true).IsCompleted);
        Assert.Equal(7u, Read32(0x90000) & 0xFF);
    }

    [Fact]
    public void DevTlbInvalidation_SizeEncodingCoversARange()
    {
        _nic.AtsTranslate(0x1000);
        Write(Leaf, 0x90000 | 3);
        _queue.Submit(QueueDescriptors.Iotlb(1), QueueDescriptors.Wait());

        _queue.Submit(QueueDescriptors.DeviceTlb(Device, 0x0000, size: true), QueueDescriptors.Wait()); // 0x0000-0x1FFF

        Assert.Equal(0, _nic.DeviceTlb!.Count);
    }

    [Fact]
    public void TranslatedRequest_BlockedWhenTheContextDoesNotAllowDeviceTlbs()
    {
        _nic.AtsTranslate(0x1000);
        Write(Context, 0x12000 | 1); // TT = 00b: untranslated requests only
        _queue.Submit(QueueDescriptors.Context(1), QueueDescriptors.Wait());

        DmaResult result = _nic.Write(0x1000, [1], translated: true);

        Assert.Equal(DmaStatus.Faulted, result.Status);
        Assert.Equal(FaultReason.RequestTypeBlocked, result.Fault);
        AtsCompletion refused = _nic.AtsTranslate(0x1000);
        Assert.False(refused.Success);
        Assert.Equal(FaultReason.RequestTypeBlocked, refused.Fault);
    }

    private void Write(ulong address, ulong value) => Assert.True(_platform.Memory.TryWrite64(address, value));

    private uint Read32(ulong address)
    {
        Assert.True(_platform.Memory.TryRead32(address, out uint value));
        return value;
    }
}
