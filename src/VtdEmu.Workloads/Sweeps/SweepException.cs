namespace VtdEmu.Workloads.Sweeps;

/// <summary>A sweep point that cannot run: bad geometry, a trace that cannot be read or mapped. The message is one line for the user.</summary>
public sealed class SweepException : Exception
{
    public SweepException()
    {
    }

    public SweepException(string message)
        : base(message)
    {
    }

    public SweepException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
