using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed class PlatformScenarioTargetFactoryTests
{
    private readonly PlatformScenarioTargetFactory _factory = new();

    private static ScenarioSetup Setup(string text)
    {
        ScenarioParseResult parsed = ScenarioParser.Parse("t.scenario", text);
        Assert.True(parsed.Succeeded, string.Join('\n', parsed.Errors));
        return parsed.Scenario.Setup;
    }

    [Theory]
    [InlineData("qemu")]
    [InlineData("qemu-sm")]
    [InlineData("broadwell")]
    [InlineData("sapphire-rapids")]
    public void TryCreate_Preset_UnitReportsThePresetsCapEcap(string preset)
    {
        UnitConfiguration expected = UnitConfiguration.FindPreset(preset)!;

        Assert.True(_factory.TryCreate(Setup($"preset {preset}\n"), out IScenarioTarget? target, out _));

        Assert.Equal(expected.Capability.Value, target.Mmio.Read((ulong)VtdRegister.CAP, 8));
        Assert.Equal(expected.ExtendedCapability.Value, target.Mmio.Read((ulong)VtdRegister.ECAP, 8));
    }

    [Fact]
    public void TryCreate_UnknownPreset_ErrorAtThePresetLineNamingTheKnownOnes()
    {
        Assert.False(_factory.TryCreate(Setup("# c\npreset skylake\n"), out _, out ScenarioError? error));

        Assert.Equal(new SourceLocation("t.scenario", 2), error.Location);
        Assert.Contains("'skylake'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sapphire-rapids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_CapWithEcmds_RefusedAtTheCapLineNamingTheField()
    {
        ulong cap = UnitConfiguration.Qemu.Capability.Value | (1UL << 61);

        Assert.False(_factory.TryCreate(Setup($"preset qemu\ncap 0x{cap:x}\n"), out _, out ScenarioError? error));

        Assert.Equal(2, error.Location.Line);
        Assert.Equal("cap: CAP.ECMDS (bit 61) is not supported by the model", error.Message);
    }

    [Fact]
    public void TryCreate_EcapWithVirtualCommands_RefusedNamingVcs()
    {
        ulong ecap = UnitConfiguration.Qemu.ExtendedCapability.Value | (1UL << 44);

        Assert.False(_factory.TryCreate(Setup($"ecap 0x{ecap:x}\n"), out _, out ScenarioError? error));

        Assert.Equal(1, error.Location.Line);
        Assert.Contains("ECAP.VCS (bit 44)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_CapMovingFrcdOntoFixedRegisters_RefusedAtTheCapLine()
    {
        // FRO = 2: FRCD0 at 0x20, on top of RTADDR.
        ulong cap = new CapabilityBuilder { ND = 6, SAGAW = 0b00010, MGAW = 38, FRO = 2, NFR = 0 }.Build().Value;

        Assert.False(_factory.TryCreate(Setup($"cap 0x{cap:x}\n"), out IScenarioTarget? target, out ScenarioError? error));

        Assert.Null(target);
        Assert.Equal(1, error.Location.Line);
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_EveryPresetsOwnValues_AreHonoured()
    {
        foreach (UnitConfiguration preset in UnitConfiguration.Presets)
        {
            Assert.Null(CapabilityOverrides.CheckHonoured("CAP", CapabilityFields.All, preset.Capability.Value, PlatformScenarioTargetFactory.HonouredCap));
            Assert.Null(CapabilityOverrides.CheckHonoured("ECAP", ExtendedCapabilityFields.All, preset.ExtendedCapability.Value, PlatformScenarioTargetFactory.HonouredEcap));
        }
    }

    [Fact]
    public void TryCreate_CacheDirectives_ConfigureTheUnitsCaches()
    {
        Assert.True(_factory.TryCreate(Setup("iotlb entries=64 ways=4 policy=plru\ncontext-cache entries=16\niotlb-large shared\n"), out IScenarioTarget? target, out _));

        TranslationCaches caches = Assert.IsType<PlatformScenarioTarget>(target).Platform.Unit.Caches;
        Assert.Equal(new CacheGeometry(64, 4, ReplacementPolicy.TreePlru), caches.Iotlb.Geometry);
        Assert.False(caches.Iotlb.HasSeparateLargePageArray);
        Assert.Equal(new CacheGeometry(16, new TranslationCacheOptions().ContextCache.Ways), caches.ContextCache.Geometry);
    }

    [Fact]
    public void TryCreate_AnyParsedCacheGeometry_BuildsTheUnit_AndEveryRefusedOneIsUnbuildable()
    {
        string[] keywords = ["iotlb", "iotlb-large", "context-cache", "pasid-cache", "psc"];
        string[] policies = ["lru", "plru", "random"];
        Gen.Select(Gen.Int[0, keywords.Length - 1], Gen.Int[0, 80], Gen.Int[1, 80], Gen.Int[0, policies.Length - 1]).Sample((k, entries, ways, p) =>
        {
            string text = $"{keywords[k]} entries={entries} ways={ways} policy={policies[p]}\n";
            ScenarioParseResult parsed = ScenarioParser.Parse("t.scenario", text);
            var geometry = new CacheGeometry(entries, ways, (ReplacementPolicy)p);
            if (parsed.Succeeded)
            {
                // Accepted: the caches are built with exactly this geometry (or disabled for entries=0).
                Assert.True(_factory.TryCreate(parsed.Scenario!.Setup, out IScenarioTarget? target, out _));
                TranslationCaches caches = Assert.IsType<PlatformScenarioTarget>(target).Platform.Unit.Caches;
                CacheGeometry built = keywords[k] switch
                {
                    "iotlb" => caches.Iotlb.Geometry,
                    "iotlb-large" => caches.Iotlb.LargePageGeometry,
                    "context-cache" => caches.ContextCache.Geometry,
                    "pasid-cache" => caches.PasidCache.Geometry,
                    _ => caches.PagingStructureCache.Geometry,
                };
                Assert.Equal(entries == 0 ? CacheGeometry.Disabled : geometry, built);
            }
            else
            {
                // Refused at the directive's line: the caches would have refused it too.
                Assert.Equal(1, Assert.Single(parsed.Errors).Location.Line);
                Assert.Throws<ArgumentOutOfRangeException>(geometry.Validate);
            }
        });
    }

    [Fact]
    public void TryCreate_CachesOff_EveryCacheDisabled()
    {
        Assert.True(_factory.TryCreate(Setup("caches off\n"), out IScenarioTarget? target, out _));

        TranslationCaches caches = Assert.IsType<PlatformScenarioTarget>(target).Platform.Unit.Caches;
        Assert.False(caches.Iotlb.Geometry.IsEnabled);
        Assert.False(caches.Iotlb.LargePageGeometry.IsEnabled);
        Assert.False(caches.ContextCache.Geometry.IsEnabled);
        Assert.False(caches.PasidCache.Geometry.IsEnabled);
        Assert.False(caches.PagingStructureCache.Geometry.IsEnabled);
    }

    [Fact]
    public void TryCreate_RamAndDevices_AsDeclared()
    {
        Assert.True(_factory.TryCreate(Setup("ram 0x100000 0x2000\ndevice 00:03.0\ndevice 01:00.1\n"), out IScenarioTarget? target, out _));

        var platform = Assert.IsType<PlatformScenarioTarget>(target).Platform;
        Assert.True(platform.Memory.IsRam(0x100000, 0x2000));
        Assert.False(platform.Memory.IsRam(0, 1));
        Assert.Equal([(ushort)0x0018, (ushort)0x0101], platform.Devices.Select(d => d.SourceId));
    }

    [Theory]
    [InlineData(DmaStatus.Completed, FaultReason.None, "ok")]
    [InlineData(DmaStatus.Faulted, FaultReason.WriteDenied, "fault 05")]
    [InlineData(DmaStatus.Aborted, FaultReason.None, "abort")]
    [InlineData(DmaStatus.UnsupportedRequest, FaultReason.None, "ur")]
    public void ToOutcome_DmaResult_PrintsAsTheReadmeSays(DmaStatus status, FaultReason fault, string printed)
    {
        DmaOutcome outcome = PlatformScenarioTarget.ToOutcome(new DmaResult(status, 0, fault, 0));

        Assert.Equal(printed, outcome.ToString());
    }

    [Fact]
    public void DmaRead_TranslationOff_ReadsRamAtTheIova()
    {
        Assert.True(_factory.TryCreate(Setup("device 00:03.0\n"), out IScenarioTarget? target, out _));
        target.Memory.TryWrite64(0x3000, 0x1122334455667788);
        byte[] buffer = new byte[8];

        DmaOutcome outcome = target.DmaRead(0x0018, 0x3000, buffer);

        Assert.True(outcome.IsOk);
        Assert.Equal(0x1122334455667788UL, BitConverter.ToUInt64(buffer));
    }
}
