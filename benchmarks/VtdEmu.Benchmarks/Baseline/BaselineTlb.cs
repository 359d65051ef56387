using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VtdEmu.Benchmarks.Baseline;

/// <summary>
/// The baseline's cache: a set-associative array of (tag, data) with true LRU per set and a
/// <see cref="Vector256"/> compare of a set's 4 tags. Plain code, no model types: what any
/// IOTLB must do and nothing else. Single-threaded.
/// </summary>
internal sealed class BaselineTlb
{
    public const int Ways = 4;
    private const ulong Valid = 1UL << 63;

    private readonly ulong[] _tags;
    private readonly ulong[] _data;
    private readonly ulong[] _stamps;
    private readonly ulong[] _clocks;
    private readonly int _setMask;

    public BaselineTlb(int entries)
    {
        _tags = new ulong[entries];
        _data = new ulong[entries];
        _stamps = new ulong[entries];
        _clocks = new ulong[entries / Ways];
        _setMask = (entries / Ways) - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(ulong tag, ulong index, out ulong data)
    {
        int set = (int)(index & (ulong)_setMask);
        int start = set * Ways;
        uint hits = Vector256.Equals(Vector256.LoadUnsafe(ref _tags[start]), Vector256.Create(tag | Valid)).ExtractMostSignificantBits();
        if (hits == 0)
        {
            data = 0;
            return false;
        }

        int slot = start + BitOperations.TrailingZeroCount(hits);
        _stamps[slot] = ++_clocks[set];
        data = _data[slot];
        return true;
    }

    public void Fill(ulong tag, ulong index, ulong data)
    {
        int set = (int)(index & (ulong)_setMask);
        int start = set * Ways;
        int victim = start;
        for (int slot = start; slot < start + Ways; slot++)
        {
            if ((_tags[slot] & Valid) == 0)
            {
                victim = slot;
                break;
            }

            if (_stamps[slot] < _stamps[victim])
            {
                victim = slot;
            }
        }

        _tags[victim] = tag | Valid;
        _data[victim] = data;
        _stamps[victim] = ++_clocks[set];
    }
}
