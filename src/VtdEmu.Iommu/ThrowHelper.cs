using System.Diagnostics.CodeAnalysis;

namespace VtdEmu.Iommu;

/// <summary>Throws for host-programmer contract violations the kernel cannot express.</summary>
internal static class ThrowHelper
{
    public static void ThrowIfNull([NotNull] object? argument, string paramName)
    {
        if (argument is null)
        {
            ThrowArgumentNull(paramName);
        }
    }

    [DoesNotReturn]
    public static void ThrowArgumentNull(string paramName) => throw new ArgumentNullException(paramName);

    [DoesNotReturn]
    public static void ThrowDomainFreed() => throw new ObjectDisposedException(nameof(IommuDomain), "The domain was freed.");

    [DoesNotReturn]
    public static void ThrowNodeNotInTopology(string paramName) =>
        throw new ArgumentException("The node does not belong to a topology known to this core.", paramName);
}
