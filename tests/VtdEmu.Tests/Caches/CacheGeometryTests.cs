using VtdEmu.Caches;

namespace VtdEmu.Tests.Caches;

public sealed class CacheGeometryTests
{
    [Theory]
    [InlineData(1 << 30, 4, ReplacementPolicy.Lru, "entries=1073741824 is outside 0 to 1048576")]
    [InlineData((1 << 20) + 4, 4, ReplacementPolicy.Lru, "entries=1048580 is outside 0 to 1048576")]
    [InlineData(-4, 4, ReplacementPolicy.Lru, "entries=-4 is outside 0 to 1048576")]
    [InlineData(12, 8, ReplacementPolicy.Lru, "entries=12 is not a multiple of ways=8")]
    [InlineData(24, 8, ReplacementPolicy.Lru, "entries=24 / ways=8 is not a power-of-two set count")]
    [InlineData(12, 12, ReplacementPolicy.TreePlru, "policy=plru needs a power-of-two way count, found ways=12")]
    public void Check_UnbuildableGeometry_SaysWhyWithTheLimit(int entries, int ways, ReplacementPolicy policy, string expected)
    {
        var geometry = new CacheGeometry(entries, ways, policy);

        Assert.Equal(expected, geometry.Check());
        ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(geometry.Validate);
        Assert.StartsWith(expected, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CacheGeometry.MaxEntries, 4)]
    [InlineData(CacheGeometry.MaxEntries, 1)]
    [InlineData(0, 0)]
    [InlineData(64, 4)]
    public void Check_BuildableGeometry_IsNull(int entries, int ways)
    {
        Assert.Null(new CacheGeometry(entries, ways).Check());
    }

    [Fact]
    public void TranslationCaches_IotlbAboveTheLimit_RefusedBeforeAllocating()
    {
        var options = new TranslationCacheOptions { Iotlb = new CacheGeometry(1 << 30, 1 << 30) };

        ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(() => new TranslationCaches(options));
        Assert.Contains("outside 0 to 1048576", thrown.Message, StringComparison.Ordinal);
    }
}
