namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Per-unit domain-ID allocator (spec-notes/intel-driver.md "Domain IDs"): IDs 2 … 2^(4+2·ND) − 1, lowest free first
/// (Linux's IDA). DID 0 is reserved (caching mode tags not-present entries with it) and DID 1 is Linux's
/// FLPT_DEFAULT_DID (pass-through entries). Not thread-safe: the driver's lock covers it.
/// </summary>
internal sealed class DomainIdAllocator
{
    /// <summary>The first allocatable ID.</summary>
    public const int FirstDynamic = 2;

    private readonly bool[] _used;

    public DomainIdAllocator(int domainCount) => _used = new bool[domainCount];

    /// <summary>Allocates the lowest free ID; ENOSPC when all are taken.</summary>
    public LinuxError Allocate(out ushort did)
    {
        for (int i = FirstDynamic; i < _used.Length; i++)
        {
            if (!_used[i])
            {
                _used[i] = true;
                did = (ushort)i;
                return LinuxError.Success;
            }
        }

        did = 0;
        return LinuxError.ENOSPC;
    }

    /// <summary>Returns <paramref name="did"/> to the pool.</summary>
    public void Free(ushort did) => _used[did] = false;
}
