using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tests.Registers;

namespace VtdEmu.Tests.Builders;

/// <summary>The components of a unit wired by hand (as RemappingUnit does), so a test can reach each one.</summary>
internal sealed class ComponentRig
{
    public ComponentRig(UnitConfiguration configuration)
    {
        Configuration = configuration;
        Memory = new GuestMemory(new MemoryRange(0, 1UL << 24));
        Caches = new TranslationCaches(new TranslationCacheOptions());
        Registers = new RegisterFile(RegisterLayout.Build(configuration), RegisterLayout.BlockLength(configuration));
        Dispatch = new RegisterDispatch(Registers);
        Commands = new GlobalCommandEngine(Registers, Dispatch, configuration);
        Faults = new FaultRecorder(Registers, Dispatch, configuration, Sink);
        Engine = new InvalidationEngine(Caches, configuration.Capability);
        Queue = new InvalidationQueue(Registers, Dispatch, configuration, Memory, Commands, Faults, Engine, Sink);
    }

    public UnitConfiguration Configuration { get; }

    public GuestMemory Memory { get; }

    public TranslationCaches Caches { get; }

    public RecordingInterruptSink Sink { get; } = new();

    public RegisterFile Registers { get; }

    public RegisterDispatch Dispatch { get; }

    public GlobalCommandEngine Commands { get; }

    public FaultRecorder Faults { get; }

    public InvalidationEngine Engine { get; }

    public InvalidationQueue Queue { get; }

    /// <summary>A guest write: the masked store, then the side effects.</summary>
    public void Write(VtdRegister register, int size, ulong value)
    {
        Registers.GuestWrite((int)register, size, value);
        Dispatch.Run((int)register, size);
    }

    public ulong Read64(VtdRegister register) => Registers.GuestRead((int)register, 8);

    public uint Read32(VtdRegister register) => (uint)Registers.GuestRead((int)register, 4);
}
