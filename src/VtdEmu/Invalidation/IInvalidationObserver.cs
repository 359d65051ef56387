namespace VtdEmu.Invalidation;

/// <summary>
/// Sees every descriptor the invalidation queue processes (VT-d spec §6.5.2), after its effect and
/// before IQH moves past it: tracing, replay checking, counting by type. A descriptor that fails
/// validation (FSTS.IQE) is not processed and not reported. Called under the unit's state lock, from
/// the thread whose register write moved the tail; with no observer the queue pays one null check per
/// descriptor.
/// </summary>
public interface IInvalidationObserver
{
    /// <summary>Called once per processed descriptor.</summary>
    /// <param name="queueOffset">The descriptor's byte offset in the queue (IQH when it was fetched).</param>
    /// <param name="descriptor">The descriptor as fetched from guest memory.</param>
    void OnDescriptor(int queueOffset, in InvalidationDescriptor descriptor);
}
