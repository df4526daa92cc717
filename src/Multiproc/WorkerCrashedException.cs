namespace Multiproc;

/// <summary>
/// A worker process exited (crashed, was killed, or called <see cref="Environment.Exit(int)"/>)
/// before it returned the result of the work it held.
/// </summary>
/// <remarks>
/// Only the work the worker held when it died fails with this exception; a
/// pool replaces the worker and keeps running the remaining work.
/// </remarks>
public sealed class WorkerCrashedException : Exception
{
    /// <summary>Creates an exception for a worker that exited with <paramref name="exitCode"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="exitCode">The worker's exit code.</param>
    public WorkerCrashedException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>Creates an exception with a default message and no exit code.</summary>
    public WorkerCrashedException()
        : base("A worker process exited before it returned a result.")
    {
    }

    /// <summary>Creates an exception with a message and no exit code.</summary>
    /// <param name="message">The message.</param>
    public WorkerCrashedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message, an inner exception and no exit code.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerCrashedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the worker's exit code, or <see langword="null"/> when it is not known.</summary>
    public int? ExitCode { get; }
}
