using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// A device's DMA engine for the demo: like <see cref="PciEndpoint"/> it splits a transfer at 4-KiB
/// boundaries and has the unit translate each piece, but it also keeps the figures the report shows
/// (translations and the table reads each one cost, from <see cref="TranslationResult.TableReads"/>).
/// </summary>
internal sealed class DemoDevice(Platform platform, ushort sourceId, string role)
{
    private const ulong ChunkSize = PageGeometry.PageSize;

    public ushort SourceId => sourceId;

    public string Role => role;

    public long Dmas { get; private set; }

    public ulong Bytes { get; private set; }

    public long Translations { get; private set; }

    public long TableReads { get; private set; }

    public long Faults { get; private set; }

    /// <summary>The fault reason of the last blocked DMA, or <see cref="FaultReason.None"/>.</summary>
    public FaultReason LastFault { get; private set; }

    public bool Read(ulong iova, Span<byte> destination) => Transfer(iova, destination, write: false);

    public bool Write(ulong iova, ReadOnlySpan<byte> source)
    {
        // The transfer helper works on a span it may read or fill; a write only reads it.
        byte[] copy = source.ToArray();
        return Transfer(iova, copy, write: true);
    }

    private bool Transfer(ulong iova, Span<byte> data, bool write)
    {
        Dmas++;
        ulong done = 0;
        while (done < (ulong)data.Length)
        {
            ulong address = iova + done;
            int chunk = (int)Math.Min((ulong)data.Length - done, ChunkSize - (address & (ChunkSize - 1)));
            TranslationResult result = platform.Unit.Translate(new DmaRequest(sourceId, address, write ? DmaAccess.Write : DmaAccess.Read));
            Translations++;
            TableReads += result.TableReads;
            if (!result.IsSuccess)
            {
                Faults++;
                LastFault = result.Fault;
                return false;
            }

            Span<byte> piece = data.Slice((int)done, chunk);
            bool ram = write ? platform.Memory.TryWrite(result.OutputAddress, piece) : platform.Memory.TryRead(result.OutputAddress, piece);
            if (!ram)
            {
                return false;
            }

            Bytes += (ulong)chunk;
            done += (ulong)chunk;
        }

        return true;
    }
}
