namespace VtdEmu.Invalidation;

/// <summary>
/// Executes one validated invalidation descriptor of the type it was registered for with
/// <see cref="InvalidationQueue.Handle"/>. Returns true when fetching must stop after it (a fenced
/// wait aborted by a device-TLB time-out).
/// </summary>
internal delegate bool DescriptorHandler(in InvalidationDescriptor descriptor, ref QueueFetch fetch);

/// <summary>
/// Checks a descriptor of a type a component added (VT-d spec §6.5.2.x): support on this unit and
/// reserved fields, including QW2/QW3 of a 256-bit descriptor. Returns
/// <see cref="InvalidationQueueError.None"/> for a descriptor the handler can execute.
/// </summary>
internal delegate InvalidationQueueError DescriptorValidator(in InvalidationDescriptor descriptor, in DescriptorContext context);
