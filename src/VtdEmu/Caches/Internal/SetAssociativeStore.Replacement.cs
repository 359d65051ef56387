using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VtdEmu.Caches.Internal;

internal sealed partial class SetAssociativeStore<TPayload>
{
    private readonly Replacement _replacement;

    /// <summary>
    /// Per-set replacement state. <see cref="Touch"/> runs on the lock-free hit path: its stores are
    /// single aligned writes, so racing readers can only perturb the victim order, never a lookup
    /// result. <see cref="Victim"/> runs under the writer lock.
    /// </summary>
    private sealed class Replacement
    {
        private readonly ReplacementPolicy _policy;
        private readonly ulong[] _stamp;      // LRU: last-use stamp per slot
        private readonly ulong[] _clock;      // LRU: per-set use counter
        private readonly byte[] _tree;        // tree-PLRU: ways-1 node bits per set, heap order from node 1
        private ulong _random;                // xorshift64 state

        public Replacement(CacheGeometry geometry)
        {
            _policy = geometry.Policy;
            int entries = geometry.Entries;
            int sets = geometry.Sets;
            _stamp = _policy == ReplacementPolicy.Lru ? new ulong[entries] : [];
            _clock = _policy == ReplacementPolicy.Lru ? new ulong[sets] : [];
            _tree = _policy == ReplacementPolicy.TreePlru ? new byte[entries] : [];
            _random = geometry.Seed;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Touch(int set, int way, int ways)
        {
            if (_policy == ReplacementPolicy.Lru)
            {
                // Already the most recently used way: nothing to record. Skipping the stores keeps
                // repeated hits on one entry from dirtying the shared line (the common DMA case).
                // SAFETY: set < Sets and way < ways (callers pass a slot of a probed set), so
                // set * ways + way < Entries = _stamp.Length and set < _clock.Length.
                ref ulong clock = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_clock), set);
                ref ulong stamp = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stamp), (set * ways) + way);
                if (stamp != clock || clock == 0)
                {
                    stamp = ++clock;
                }
            }
            else if (_policy == ReplacementPolicy.TreePlru)
            {
                TouchTree(set * ways, way, ways);
            }
        }

        public int Victim(int set, int ways)
        {
            switch (_policy)
            {
                case ReplacementPolicy.Lru:
                    int start = set * ways;
                    int oldest = 0;
                    for (int way = 1; way < ways; way++)
                    {
                        if (_stamp[start + way] < _stamp[start + oldest])
                        {
                            oldest = way;
                        }
                    }

                    return oldest;
                case ReplacementPolicy.TreePlru:
                    return TreeVictim(set * ways, ways);
                default:
                    return (int)(NextRandom() % (ulong)ways);
            }
        }

        // Each internal node holds the direction (0 = left half, 1 = right half) of the
        // pseudo-least-recently-used subtree. A use points every node on its path away from it.
        private void TouchTree(int start, int way, int ways)
        {
            int node = 1;
            for (int half = ways >> 1; half > 0; half >>= 1)
            {
                int right = (way & half) != 0 ? 1 : 0;
                _tree[start + node] = (byte)(right ^ 1);
                node = (node * 2) + right;
            }
        }

        private int TreeVictim(int start, int ways)
        {
            int node = 1;
            int way = 0;
            for (int half = ways >> 1; half > 0; half >>= 1)
            {
                int right = _tree[start + node];
                way |= right * half;
                node = (node * 2) + right;
            }

            return way;
        }

        private ulong NextRandom()
        {
            ulong x = _random;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            _random = x;
            return x;
        }
    }
}
