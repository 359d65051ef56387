namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// What <c>vtdemu run --dump</c> and <c>vtdemu dump</c> print after a scenario: for each unit (under a
/// <c># unit N</c> line when there are several) the translation structures reachable from its latched
/// root pointer and its latched interrupt-remapping table, then every cache (<see cref="CacheContentsDump"/>).
/// </summary>
public static class PlatformDump
{
    /// <summary>Writes the dump of <paramref name="platform"/>; returns the number of lines written.</summary>
    public static int Write(Platform platform, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(output);
        int lines = EachUnit(platform, output, unit =>
            TranslationStructureDump.Write(platform, unit, output) + InterruptRemapTableDump.Write(platform, unit, output));
        return lines + CacheContentsDump.Write(platform, output);
    }

    /// <summary>Runs <paramref name="write"/> for each unit, under a <c># unit N at BASE</c> line when there are several; returns the lines written.</summary>
    internal static int EachUnit(Platform platform, TextWriter output, Func<RemappingUnit, int> write)
    {
        int lines = 0;
        for (int i = 0; i < platform.Units.Count; i++)
        {
            if (platform.Units.Count > 1)
            {
                output.WriteLine($"# unit {i} at 0x{platform.UnitDefinitions[i].RegisterBase:x}");
                lines++;
            }

            lines += write(platform.Units[i]);
        }

        return lines;
    }
}
