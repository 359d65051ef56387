using VtdEmu.Memory;

namespace VtdEmu.Workloads.Sweeps;

/// <summary>The offsets of one synthetic sweep point's DMAs inside its window, from the point's seed.</summary>
internal sealed class OffsetGenerator
{
    private const ulong Page = PageGeometry.PageSize;

    private readonly SweepPattern _pattern;
    private readonly ulong _window;
    private readonly ulong _size;
    private readonly ulong _stride;
    private readonly ulong _slots;
    private readonly double[]? _zipfCdf;
    private SweepRng _rng;
    private ulong _next;

    public OffsetGenerator(SweepPoint point)
    {
        _pattern = point.Pattern;
        _window = point.WindowBytes;
        _size = (ulong)point.AccessSize;
        _stride = point.Stride;
        _slots = Math.Max(1, _window / Math.Max(1, _size));
        _rng = new SweepRng(point.PointSeed);
        if (_pattern == SweepPattern.Zipf)
        {
            _zipfCdf = ZipfCdf((int)Math.Max(1, _window / Page), point.ZipfExponent);
        }
    }

    /// <summary>Pages a Zipf window may hold (the CDF is one double per page).</summary>
    public const ulong MaxZipfPages = 1 << 22;

    public ulong Next()
    {
        switch (_pattern)
        {
            case SweepPattern.Sequential:
            case SweepPattern.Strided:
                ulong offset = _next;
                _next += _pattern == SweepPattern.Sequential ? _size : _stride;
                if (_next + _size > _window)
                {
                    _next = 0;
                }

                return offset;
            case SweepPattern.Zipf:
                ulong page = Sample(_zipfCdf!, _rng.NextDouble());
                ulong inPage = Math.Max(1, Math.Min(Page, _window) / _size);
                return (page * Page) + (_rng.Below(inPage) * _size);
            default:
                return _rng.Below(_slots) * _size;
        }
    }

    private static double[] ZipfCdf(int pages, double exponent)
    {
        var cdf = new double[pages];
        double sum = 0;
        for (int rank = 1; rank <= pages; rank++)
        {
            sum += 1 / Math.Pow(rank, exponent);
            cdf[rank - 1] = sum;
        }

        for (int i = 0; i < pages; i++)
        {
            cdf[i] /= sum;
        }

        return cdf;
    }

    private static ulong Sample(double[] cdf, double u)
    {
        int index = Array.BinarySearch(cdf, u);
        return (ulong)Math.Min(index < 0 ? ~index : index, cdf.Length - 1);
    }
}
