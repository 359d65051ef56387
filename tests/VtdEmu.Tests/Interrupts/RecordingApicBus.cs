using VtdEmu.Interrupts;

namespace VtdEmu.Tests.Interrupts;

/// <summary>An <see cref="IApicBus"/> that remembers every delivered interrupt.</summary>
internal sealed class RecordingApicBus : IApicBus
{
    public List<ApicInterrupt> Delivered { get; } = [];

    public void Deliver(in ApicInterrupt interrupt) => Delivered.Add(interrupt);
}
