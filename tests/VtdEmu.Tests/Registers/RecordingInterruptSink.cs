namespace VtdEmu.Tests.Registers;

/// <summary>An <see cref="IInterruptSink"/> that remembers every MSI.</summary>
internal sealed class RecordingInterruptSink : IInterruptSink
{
    public List<(ulong Address, uint Data)> Messages { get; } = [];

    public void Deliver(ulong address, uint data) => Messages.Add((address, data));
}
