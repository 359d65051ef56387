namespace VtdEmu.Cli;

/// <summary>
/// The one shape of every error line vtdemu prints: <c>vtdemu: error: WHAT. WHAT TO DO</c>, on stderr. Located
/// diagnostics of an input file (<c>file:line: message</c>, as compilers print them) may come first; the error
/// line after them says what was not done and how to go on.
/// </summary>
internal static class CliError
{
    public const string Prefix = "vtdemu: error: ";

    /// <summary>Writes the error line and returns <paramref name="exitCode"/>, for <c>return CliError.Write(…)</c>.</summary>
    /// <param name="error">The error stream.</param>
    /// <param name="message">What went wrong, starting with the command (<c>replay: …</c>) or the input's location.</param>
    /// <param name="fix">What to do about it: a concrete fix, or the help to read.</param>
    /// <param name="exitCode">The exit code to return.</param>
    public static int Write(TextWriter error, string message, string fix, int exitCode = ExitCode.BadInput)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine(Format(message, fix));
        return exitCode;
    }

    /// <summary>
    /// The error line; a message of several lines (a located error with its source excerpt and caret) keeps its
    /// first line as the error line and its other lines under it.
    /// </summary>
    public static string Format(string message, string fix)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(fix);
        string[] lines = message.Split('\n');
        lines[0] = $"{Prefix}{lines[0].TrimEnd().TrimEnd('.')}. {fix}";
        return string.Join('\n', lines.Select(l => l.TrimEnd('\r')));
    }

    /// <summary>The fix that points at a command's help: <c>Run 'vtdemu replay --help' for usage.</c></summary>
    public static string SeeHelp(string command) => command.Length == 0 ? "Run 'vtdemu --help' for usage." : $"Run 'vtdemu {command} --help' for usage.";
}
