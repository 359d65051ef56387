using System.Globalization;

namespace VtdEmu.Workloads.Reporting;

/// <summary>How counts and rates read in every report: "1 entry", "2 entries", "99.99%".</summary>
public static class Counts
{
    /// <summary>
    /// <paramref name="count"/> and <paramref name="noun"/>, singular for exactly one: "1 scenario", "0 failures",
    /// "3 entries", "2 mismatches" (a consonant before a final y becomes "ies"; s, x, z, ch and sh take "es").
    /// </summary>
    public static string Plural(long count, string noun)
    {
        ArgumentNullException.ThrowIfNull(noun);
        string text = count.ToString(CultureInfo.InvariantCulture) + " ";
        if (count == 1)
        {
            return text + noun;
        }

        bool consonantY = noun.Length >= 2 && noun[^1] == 'y' && "aeiou".IndexOf(noun[^2], StringComparison.Ordinal) < 0;
        if (consonantY)
        {
            return text + noun[..^1] + "ies";
        }

        bool sibilant = noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith('z') || noun.EndsWith("ch", StringComparison.Ordinal) || noun.EndsWith("sh", StringComparison.Ordinal);
        return text + noun + (sibilant ? "es" : "s");
    }

    /// <summary>
    /// <c>hits / (hits + misses)</c> as a percentage with <paramref name="decimals"/> decimals; "-" when nothing
    /// was looked up. Rounding never hides a miss or a hit: 100% only when there was no miss, 0% only when there
    /// was no hit (the nearest value one step inside is printed instead).
    /// </summary>
    public static string HitRate(long hits, long misses, int decimals = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        long lookups = hits + misses;
        if (lookups == 0)
        {
            return "-";
        }

        double step = Math.Pow(10, -decimals);
        double percent = Math.Round(100.0 * hits / lookups, decimals, MidpointRounding.AwayFromZero);
        if (misses > 0 && percent >= 100)
        {
            percent = 100 - step;
        }
        else if (hits > 0 && percent <= 0)
        {
            percent = step;
        }

        return percent.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>
    /// A hit rate as a fraction from 0 to 1 with <paramref name="decimals"/> decimals (the sweep's
    /// <c>iotlb_hit_rate</c>), under the same rule as <see cref="HitRate"/>: 1 only when there was no miss, 0 only
    /// when there was no hit.
    /// </summary>
    public static string HitFraction(double rate, int decimals = 6)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        double step = Math.Pow(10, -decimals);
        double rounded = Math.Round(rate, decimals, MidpointRounding.AwayFromZero);
        if (rate < 1 && rounded >= 1)
        {
            rounded = 1 - step;
        }
        else if (rate > 0 && rounded <= 0)
        {
            rounded = step;
        }

        return rounded.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
