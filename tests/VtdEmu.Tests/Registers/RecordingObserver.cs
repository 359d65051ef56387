using VtdEmu.Registers;

namespace VtdEmu.Tests.Registers;

/// <summary>An <see cref="IRegisterObserver"/> that remembers every access.</summary>
internal sealed class RecordingObserver : IRegisterObserver
{
    public List<RegisterAccess> Accesses { get; } = [];

    public void OnAccess(in RegisterAccess access) => Accesses.Add(access);
}
