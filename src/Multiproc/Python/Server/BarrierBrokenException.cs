namespace Multiproc.Python.Server;

/// <summary>A <see cref="PythonBarrier"/> is broken: Python's <c>threading.BrokenBarrierError</c>.</summary>
internal sealed class BarrierBrokenException : Exception
{
    public BarrierBrokenException()
        : base("The barrier is broken.")
    {
    }

    public BarrierBrokenException(string message)
        : base(message)
    {
    }

    public BarrierBrokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
