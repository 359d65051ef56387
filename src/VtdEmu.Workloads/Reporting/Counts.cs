using System.Globalization;

namespace VtdEmu.Workloads.Reporting;

/// <summary>How counts and rates read in every report: "1 entry", "2 entries", "99.99%".</summary>
public static class Counts
{
    /// <summary>
    /// <paramref name="count"/> and <paramref name="noun"/>, singular for exactly one: "1 scenario", "0 failures",
    /// "3 entries" (a consonant before a final y becomes "ies").
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
        return text + (consonantY ? noun[..^1] + "ies" : noun + "s");
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
}
