using CsCheck;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Workloads.Tests.Reporting;

public sealed class CountsTests
{
    [Theory]
    [InlineData(0L, "entry", "0 entries")]
    [InlineData(1L, "entry", "1 entry")]
    [InlineData(2L, "entry", "2 entries")]
    [InlineData(1L, "failure", "1 failure")]
    [InlineData(3L, "failure", "3 failures")]
    [InlineData(2L, "key", "2 keys")]
    [InlineData(-1L, "entry", "-1 entries")]
    [InlineData(2L, "mismatch", "2 mismatches")]
    [InlineData(1L, "mismatch", "1 mismatch")]
    [InlineData(3L, "access", "3 accesses")]
    [InlineData(2L, "prefix", "2 prefixes")]
    [InlineData(2L, "day", "2 days")]
    public void Plural_SingularOnlyForExactlyOne(long count, string noun, string expected)
    {
        Assert.Equal(expected, Counts.Plural(count, noun));
    }

    [Theory]
    [InlineData(0L, 0L, "-")]
    [InlineData(5L, 0L, "100.00%")]
    [InlineData(99_999L, 1L, "99.99%")]
    [InlineData(1L, 99_999L, "0.01%")]
    [InlineData(0L, 7L, "0.00%")]
    [InlineData(1L, 2L, "33.33%")]
    [InlineData(2L, 1L, "66.67%")]
    public void HitRate_HundredOnlyWithoutMissesZeroOnlyWithoutHits(long hits, long misses, string expected)
    {
        Assert.Equal(expected, Counts.HitRate(hits, misses));
    }

    [Theory]
    [InlineData(1.0, "1.000000")]
    [InlineData(0.0, "0.000000")]
    [InlineData(0.99999999, "0.999999")]
    [InlineData(0.00000001, "0.000001")]
    [InlineData(0.5, "0.500000")]
    [InlineData(0.1234564, "0.123456")]
    public void HitFraction_OneOnlyWithoutMissesZeroOnlyWithoutHits(double rate, string expected)
    {
        Assert.Equal(expected, Counts.HitFraction(rate));
    }

    [Fact]
    public void HitRate_Property_PrintsTheExtremesOnlyWhenExact()
    {
        Gen.Select(Gen.Long[0, 1L << 40], Gen.Long[0, 1L << 40], Gen.Int[0, 4]).Sample((hits, misses, decimals) =>
        {
            string text = Counts.HitRate(hits, misses, decimals);
            double printed = hits + misses == 0 ? double.NaN : double.Parse(text.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(hits + misses == 0, text == "-");
            Assert.Equal(hits + misses > 0 && misses == 0, printed == 100);
            Assert.Equal(hits + misses > 0 && hits == 0, printed == 0);
            if (hits + misses > 0)
            {
                Assert.InRange(Math.Abs(printed - (100.0 * hits / (hits + misses))), 0, Math.Pow(10, -decimals));
            }
        });
    }
}
