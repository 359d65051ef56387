using VtdEmu.Iommu.Intel;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Intel driver: unit initialisation, capabilities it derives, bounded waits (spec-notes/intel-driver.md
/// "Initialisation", "Capabilities the driver reads", "Paging domains").</summary>
public sealed partial class IntelIommuDriverTests
{
    // preset, expected page-table levels (AGAW + 2), domain address width, pgsize bitmap, aperture bits — from the
    // preset's CAP/ECAP fields in spec-notes/registers.md: SAGAW bit 1 = 39-bit/3-level, bit 2 = 48/4, bit 3 = 57/5;
    // MGAW; SLLPS. Scalable mode with FLTS: first-level widths (4-level, 5-level with FL5LP) ∩ SAGAW, 2 MiB pages
    // always and 1 GiB with FL1GP, and a canonical aperture one bit narrower (spec-notes/intel-driver.md "Scalable
    // mode").
    public static TheoryData<string, int, int, ulong, int> PresetGeometry => new()
    {
        { "qemu", 3, 39, 0x1000 | 0x20_0000 | 0x4000_0000, 39 },
        { "qemu-sm", 3, 39, 0x1000 | 0x20_0000 | 0x4000_0000, 39 },
        { "qemu-sm-fl", 4, 48, 0x1000 | 0x20_0000 | 0x4000_0000, 47 },
        { "broadwell", 4, 48, 0x1000 | 0x20_0000 | 0x4000_0000, 48 },
        { "sapphire-rapids", 5, 57, 0x1000 | 0x20_0000 | 0x4000_0000, 56 },
    };

    [Theory]
    [MemberData(nameof(PresetGeometry))]
    public void Create_Preset_ChoosesAgawWidthAndPageSizes(string preset, int levels, int width, ulong bitmap, int apertureBits)
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.FindPreset(preset)!, IntelRig.Singleton());

        Assert.Equal(levels, rig.Driver.Agaw + 2);
        Assert.Equal(width, rig.Driver.AddressWidth);
        Assert.Equal(bitmap, rig.Driver.PgsizeBitmap);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(bitmap, d.PgsizeBitmap);
        Assert.Equal(new IommuGeometry(0, (1UL << apertureBits) - 1, ForceAperture: true), d.Geometry);
    }

    [Fact]
    public void Create_NoSllpsOrSpOff_FourKibOnly()
    {
        Assert.Equal(0x1000UL, IntelRig.Boot(TestUnits.QemuNoSuperpages, IntelRig.Singleton()).Driver.PgsizeBitmap);
        Assert.Equal(0x1000UL, IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton(), options: new IntelDriverOptions { SuperpagesOff = true }).Driver.PgsizeBitmap);
    }

    public static TheoryData<string> Presets => new() { "qemu", "qemu-sm", "qemu-sm-fl", "broadwell", "sapphire-rapids" };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Create_QueuedInvalidationUnit_EnablesQueueThenRootTableThenGlobalFlushes(string preset)
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.FindPreset(preset)!, IntelRig.Singleton());
        List<string> log = [.. rig.Mmio.Log];

        // Linux init_dmars: QI first (IQT = 0, IQA, QIE), then RTADDR + SRTP, then global context cache → (scalable)
        // global PASID cache → global IOTLB.
        int iqa = log.FindIndex(e => e.StartsWith("IQA", StringComparison.Ordinal));
        int qie = log.IndexOf("GCMD +QIE");
        int rtaddr = log.FindIndex(e => e.StartsWith("RTADDR", StringComparison.Ordinal));
        int srtp = log.IndexOf("GCMD +SRTP");
        int ccGlobal = log.IndexOf("cc global");
        int iotlbGlobal = log.IndexOf("iotlb global");
        int te = log.IndexOf("GCMD +TE");
        Assert.True(log.IndexOf("IQT 0x0") < iqa && iqa < qie && qie < rtaddr && rtaddr < srtp && srtp < ccGlobal && ccGlobal < iotlbGlobal && iotlbGlobal < te, string.Join(" | ", log));
        Assert.True(rig.Driver.QueuedInvalidation);
        bool scalable = rig.Driver.ScalableMode;
        int pcGlobal = log.IndexOf("pc global");
        Assert.True(scalable == (ccGlobal < pcGlobal && pcGlobal < iotlbGlobal), string.Join(" | ", log));

        // RTADDR.TTM (11:10) = 01 in scalable mode (spec §11.4.5).
        Assert.Equal($"RTADDR 0x{rig.Driver.RootTable | (scalable ? 0x400UL : 0):x}", log[rtaddr]);

        // DW = 1 and QS = 1 (two pages of 32-byte descriptors) exactly when the unit has SMTS, as Linux does.
        ulong iqaValue = Convert.ToUInt64(log[iqa]["IQA 0x".Length..], 16);
        bool smts = UnitConfiguration.FindPreset(preset)!.ExtendedCapability.SMTS;
        Assert.Equal(smts ? 0x801UL : 0UL, iqaValue & 0xFFF);
        Assert.Empty(rig.Driver.Diagnostics);
    }

    [Fact]
    public void Create_RegisterInvalidationUnit_UsesCcmdAndIotlbRegisters()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuRegisterInvalidation, IntelRig.Singleton());
        List<string> log = [.. rig.Mmio.Log];

        Assert.False(rig.Driver.QueuedInvalidation);
        Assert.DoesNotContain(log, e => e.StartsWith("IQ", StringComparison.Ordinal) || e == "GCMD +QIE");
        Assert.True(log.IndexOf("GCMD +SRTP") < log.IndexOf("cc global") && log.IndexOf("cc global") < log.IndexOf("iotlb global"));
        Assert.Empty(rig.Driver.Diagnostics);
    }

    [Fact]
    public void EnableTranslation_AfterProbe_TeIsTheLastCommandAndEachGcmdWriteChangesOneBit()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton());
        List<string> log = [.. rig.Mmio.Log];

        // The probed device's context entry (written during Probe) precedes TE: its present-flush is a write-buffer
        // no-op on Broadwell, so check the memory instead: the entry is present and TE came after SRTP.
        Assert.NotNull(rig.Context(rig.Dev("A").Bdf));
        Assert.Equal(["GCMD +QIE", "GCMD +SRTP", "GCMD +TE"], log.Where(e => e.StartsWith("GCMD", StringComparison.Ordinal)));

        // Broadwell has PLMR/PHMR: Linux turns protected memory off after TE (EPM = 0).
        Assert.Equal("PMEN 0x0", log[^1]);
        Assert.Equal(0x8000_0000U | 0x4000_0000U | 0x0400_0000U, (uint)rig.Platform.Unit.Read(0x1C, 4) & 0xC400_0000U);
    }

    [Fact]
    public void Create_HungRegisterInvalidation_ReturnsTimeoutAfterBoundedPolling()
    {
        Platform platform = new(TestUnits.QemuRegisterInvalidation);
        RecordingMmio mmio = new(platform.Unit, platform.Memory, 0xF0, RecordingMmio.CompletionMode.Hang);

        LinuxError r = IntelIommuDriver.Create(mmio, platform.Memory, IntelRig.DriverPages, new IntelDriverOptions { PollLimit = 50 }, out IntelIommuDriver? driver);

        Assert.Equal(LinuxError.ETIMEDOUT, r);
        Assert.Null(driver);
    }

    [Fact]
    public void Create_TranslationAlreadyEnabled_DisablesItFirst()
    {
        Platform platform = new(UnitConfiguration.Qemu);
        platform.Unit.Write(0x18, 4, 1U << 31);
        RecordingMmio mmio = new(platform.Unit, platform.Memory, 0xF0, RecordingMmio.CompletionMode.PassThrough);

        Assert.Equal(LinuxError.Success, IntelIommuDriver.Create(mmio, platform.Memory, IntelRig.DriverPages, null, out IntelIommuDriver? driver));

        Assert.Equal("GCMD -TE", mmio.Log[0]);
        Assert.Equal([IntelDriverDiagnostic.TranslationPreEnabled], driver!.Diagnostics);
        Assert.Equal(0U, (uint)platform.Unit.Read(0x1C, 4) & (1U << 31));
    }

    [Fact]
    public void Create_DriverRangeTooSmall_ReturnsEnomem()
    {
        Platform platform = new(UnitConfiguration.Qemu);

        LinuxError r = IntelIommuDriver.Create(platform.Unit, platform.Memory, new Memory.MemoryRange(0x2000_0000, 0x1000), null, out IntelIommuDriver? driver);

        Assert.Equal(LinuxError.ENOMEM, r);
        Assert.Null(driver);
    }
}
