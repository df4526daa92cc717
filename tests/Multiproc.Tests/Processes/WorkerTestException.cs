namespace Multiproc.Tests.Processes;

/// <summary>An exception type only the tests know: a worker throwing it reaches the parent as <see cref="RemoteException"/>.</summary>
public sealed class WorkerTestException : Exception
{
    public WorkerTestException()
    {
    }

    public WorkerTestException(string message)
        : base(message)
    {
    }

    public WorkerTestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
