namespace VtdEmu.Workloads.Sweeps;

/// <summary>xorshift64* (Vigna 2016): small, fast and the same on every platform and runtime, so sweeps are reproducible byte for byte.</summary>
internal struct SweepRng
{
    private ulong _state;

    public SweepRng(ulong seed) => _state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed;

    public ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return unchecked(_state * 0x2545_F491_4F6C_DD1D);
    }

    /// <summary>Uniform in [0, n) by multiply-shift (Lemire), n &gt; 0.</summary>
    public ulong Below(ulong n) => (ulong)(((UInt128)Next() * n) >> 64);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
