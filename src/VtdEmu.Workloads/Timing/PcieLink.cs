namespace VtdEmu.Workloads.Timing;

/// <summary>
/// A PCIe link's transfer ceiling, shaped as pcie-bench's pcie-model computes it: each transfer is
/// split into TLPs (reads by MRRS, completions at RCB boundaries, writes by MPS); every TLP pays its
/// header plus the data-link layer's sequence number and LCRC and the physical layer's framing, on a
/// link of <see cref="Lanes"/> lanes at the generation's rate and line code. Flow-control and ack
/// DLLPs are charged as a fixed fraction of the bandwidth, as pcie-model does.
/// </summary>
/// <param name="Generation">1 to 5 (8b/10b for 1-2, 128b/130b from 3).</param>
/// <param name="Lanes">Link width.</param>
/// <param name="MaxPayload">MPS in bytes.</param>
/// <param name="MaxReadRequest">MRRS in bytes.</param>
/// <param name="ReadCompletionBoundary">RCB in bytes.</param>
public sealed record PcieLink(int Generation, int Lanes, int MaxPayload = 256, int MaxReadRequest = 512, int ReadCompletionBoundary = 64)
{
    // Header sizes: a 64-bit-address memory request has a 4-DW header; a completion 3 DW.
    private const int RequestHeader = 16;
    private const int CompletionHeader = 12;

    // Per TLP: 2 B sequence number + 4 B LCRC (data-link layer) + framing (Gen1/2: STP+END = 2 B; Gen3: 4 B STP token).
    private int TlpOverhead => 6 + (Generation >= 3 ? 4 : 2);

    // DLLP traffic (acks, flow-control updates) as a share of the link, pcie-model's default order of magnitude.
    private const double DllpShare = 0.05;

    /// <summary>Usable bytes per second in one direction after line coding and DLLPs.</summary>
    public double BytesPerSecond
    {
        get
        {
            double transfersPerSecond = Generation switch { 1 => 2.5e9, 2 => 5e9, 3 => 8e9, 4 => 16e9, _ => 32e9 };
            double coding = Generation >= 3 ? 128.0 / 130.0 : 8.0 / 10.0;
            return transfersPerSecond * coding * Lanes / 8 * (1 - DllpShare);
        }
    }

    /// <summary>
    /// DMAs per second the link carries for transfers of <paramref name="size"/> bytes: the busier of
    /// the two directions limits (a read sends requests up and completions with data down).
    /// </summary>
    public double DmasPerSecond(int size, bool read)
    {
        int bytes = Math.Max(size, 1);
        double up, down;
        if (read)
        {
            int requests = (bytes + MaxReadRequest - 1) / MaxReadRequest;
            int completions = (bytes + ReadCompletionBoundary - 1) / ReadCompletionBoundary;
            up = requests * (RequestHeader + TlpOverhead);
            down = bytes + (completions * (CompletionHeader + TlpOverhead));
        }
        else
        {
            int writes = (bytes + MaxPayload - 1) / MaxPayload;
            up = bytes + (writes * (RequestHeader + TlpOverhead));
            down = 0;
        }

        return BytesPerSecond / Math.Max(up, down);
    }
}
