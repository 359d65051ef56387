namespace VtdEmu.Tests.Invalidation;

/// <summary>Builds invalidation descriptors (QW0, QW1) from spec fields (VT-d spec §6.5.2.1–§6.5.2.8).</summary>
internal static class QueueDescriptors
{
    public static (ulong Qw0, ulong Qw1) Context(int g, ushort did = 0, ushort sid = 0, int fm = 0) =>
        (0x1UL | ((ulong)g << 4) | ((ulong)did << 16) | ((ulong)sid << 32) | ((ulong)fm << 48), 0);

    public static (ulong Qw0, ulong Qw1) Iotlb(int g, ushort did = 0, ulong address = 0, int am = 0, bool ih = false, bool drain = false) =>
        (0x2UL | ((ulong)g << 4) | (drain ? 0xC0UL : 0) | ((ulong)did << 16), (address & ~0xFFFUL) | (uint)am | (ih ? 0x40UL : 0));

    public static (ulong Qw0, ulong Qw1) DeviceTlb(ushort sid, ulong address = 0, bool size = false) =>
        (0x3UL | ((ulong)sid << 32), (address & ~0xFFFUL) | (size ? 1UL : 0));

    public static (ulong Qw0, ulong Qw1) InterruptEntry(bool indexSelective, int im = 0, ushort index = 0) =>
        (0x4UL | (indexSelective ? 0x10UL : 0) | ((ulong)im << 27) | ((ulong)index << 32), 0);

    public static (ulong Qw0, ulong Qw1) Wait(bool sw = false, bool interrupt = false, bool fence = false, uint data = 0, ulong address = 0) =>
        (0x5UL | (interrupt ? 0x10UL : 0) | (sw ? 0x20UL : 0) | (fence ? 0x40UL : 0) | ((ulong)data << 32), address & ~3UL);

    public static (ulong Qw0, ulong Qw1) PasidIotlb(int g, ushort did, uint pasid, ulong address = 0, int am = 0, bool ih = false) =>
        (0x6UL | ((ulong)g << 4) | ((ulong)did << 16) | ((ulong)pasid << 32), (address & ~0xFFFUL) | (uint)am | (ih ? 0x40UL : 0));

    public static (ulong Qw0, ulong Qw1) PasidCache(int g, ushort did, uint pasid = 0) =>
        (0x7UL | ((ulong)g << 4) | ((ulong)did << 16) | ((ulong)pasid << 32), 0);

    public static (ulong Qw0, ulong Qw1) PasidDeviceTlb(ushort sid, uint pasid, ulong address = 0, bool global = false) =>
        (0x8UL | ((ulong)sid << 16) | ((ulong)pasid << 32), (address & ~0xFFFUL) | (global ? 1UL : 0));
}
