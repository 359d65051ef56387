namespace VtdEmu.Cli;

/// <summary>The exit codes of <c>vtdemu</c>, documented in its help text.</summary>
internal static class ExitCode
{
    /// <summary>Everything ran and every assertion held.</summary>
    public const int Success = 0;

    /// <summary>A scenario assertion failed, or a command could not run.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: command-line usage, a scenario or trace that does not parse, a missing file.</summary>
    public const int BadInput = 2;

    /// <summary>A bug in vtdemu: an unexpected exception, reported in one line.</summary>
    public const int InternalError = 4;
}
