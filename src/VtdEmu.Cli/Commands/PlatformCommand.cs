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
                context.Error.WriteLine($"platform: {path}: {(info.Exists ? $"larger than {MaxTableBytes} bytes" : "no such file")}");
                return ExitCode.BadInput;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"platform: {path}: {e.Message}");
            return ExitCode.BadInput;
        }

        if (!DmarTable.TryParse(bytes, out DmarTable table, out DmarError error))
        {
            context.Error.WriteLine($"platform: {path}: {error}");
            return ExitCode.BadInput;
        }

        context.Out.Write(table.Describe());
        return ExitCode.Success;
    }
}
