using System.CommandLine;
using VtdEmu.Dmar;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu platform DMAR.bin</c>: parses an ACPI DMAR table (the bytes of
/// <c>/sys/firmware/acpi/tables/DMAR</c>) and prints the remapping units, their device scopes and the
/// other structures it describes; a malformed table is reported with its byte offset (spec-notes/dmar.md).
/// </summary>
internal static class PlatformCommand
{
    private const int MaxTableBytes = 1 << 20;

    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("dmar") { Description = "The DMAR table (binary)." };
        var command = new Command("platform", "Describe the platform an ACPI DMAR table defines: units, scopes, RMRR, ATSR, SATC, RHSA.") { path };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(path)));
        return command;
    }

    public static int Run(CliContext context, string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxTableBytes)
            {
                return info.Exists
                    ? CliError.Write(context.Error, $"platform: {path}: larger than {MaxTableBytes} bytes, too large for a DMAR table", "Give the bytes of /sys/firmware/acpi/tables/DMAR.")
                    : CliError.Write(context.Error, $"platform: {path}: no such file", "Check the path.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliError.Write(context.Error, $"platform: {path}: {e.Message}", "Check that the file is readable.");
        }

        if (!DmarTable.TryParse(bytes, out DmarTable table, out DmarError error))
        {
            return CliError.Write(context.Error, $"platform: {path}: {error}", "Give the bytes of an ACPI DMAR table, e.g. a copy of /sys/firmware/acpi/tables/DMAR.");
        }

        context.Out.Write(table.Describe());
        return ExitCode.Success;
    }
}
