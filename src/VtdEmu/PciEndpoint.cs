using VtdEmu.Interrupts;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// A DMA-capable PCI endpoint behind a remapping unit. Each transfer is split at 4 KiB boundaries of
/// the IOVA (the largest unit a PCIe request may not cross is 4 KiB), each piece is translated by the
/// unit, and the bytes move to or from guest RAM at the translated address.
/// </summary>
public sealed class PciEndpoint
{
    private const ulong ChunkSize = 4096;

    private readonly Platform _platform;

    internal PciEndpoint(Platform platform, ushort sourceId)
    {
        _platform = platform;
        SourceId = sourceId;
    }

    /// <summary>The requester id: bus in bits 15:8, device in 7:3, function in 2:0.</summary>
    public ushort SourceId { get; }

    /// <summary>The address as <c>bb:dd.f</c>.</summary>
    public string Bdf => $"{SourceId >> 8:x2}:{(SourceId >> 3) & 0x1F:x2}.{SourceId & 7}";

    /// <summary>Reads <c>destination.Length</c> bytes at <paramref name="iova"/> (a device-to-memory read of host memory).</summary>
    public DmaResult Read(ulong iova, Span<byte> destination, uint? pasid = null)
    {
        ulong done = 0;
        while (done < (ulong)destination.Length)
        {
            ulong address = unchecked(iova + done);
            int chunk = (int)Math.Min((ulong)destination.Length - done, ChunkSize - (address & (ChunkSize - 1)));
            TranslationResult translation = _platform.Unit.Translate(new DmaRequest(SourceId, address, DmaAccess.Read, pasid: pasid));
            if (!translation.IsSuccess)
            {
                return Blocked(translation, done, address);
            }

            if (!_platform.Memory.TryRead(translation.OutputAddress, destination.Slice((int)done, chunk)))
            {
                return new DmaResult(DmaStatus.UnsupportedRequest, done, default, address);
            }

            done += (ulong)chunk;
        }

        return new DmaResult(DmaStatus.Completed, done, default, unchecked(iova + done));
    }

    /// <summary>Writes <paramref name="source"/> at <paramref name="iova"/> (a device-to-memory write).</summary>
    public DmaResult Write(ulong iova, ReadOnlySpan<byte> source, uint? pasid = null)
    {
        ulong done = 0;
        while (done < (ulong)source.Length)
        {
            ulong address = unchecked(iova + done);
            int chunk = (int)Math.Min((ulong)source.Length - done, ChunkSize - (address & (ChunkSize - 1)));
            TranslationResult translation = _platform.Unit.Translate(new DmaRequest(SourceId, address, DmaAccess.Write, pasid: pasid));
            if (!translation.IsSuccess)
            {
                return Blocked(translation, done, address);
            }

            if (!_platform.Memory.TryWrite(translation.OutputAddress, source.Slice((int)done, chunk)))
            {
                return new DmaResult(DmaStatus.UnsupportedRequest, done, default, address);
            }

            done += (ulong)chunk;
        }

        return new DmaResult(DmaStatus.Completed, done, default, unchecked(iova + done));
    }

    /// <summary>
    /// Raises an MSI: a DWORD write of <paramref name="data"/> to <paramref name="address"/> (0xFEEx_xxxx),
    /// which the unit remaps, posts, passes through or blocks (VT-d spec ch. 5).
    /// </summary>
    public InterruptRemapResult SignalMsi(ulong address, uint data) => _platform.Unit.SignalInterrupt(SourceId, address, data);

    public override string ToString() => $"PCI {Bdf}";

    private static DmaResult Blocked(in TranslationResult translation, ulong done, ulong address) =>
        translation.Aborted
            ? new DmaResult(DmaStatus.Aborted, done, default, address)
            : new DmaResult(DmaStatus.Faulted, done, translation.Fault, address);
}
