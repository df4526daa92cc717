namespace Multiproc.Tests.Hardening;

/// <summary>A fuzz case or a shared invariant failed; the message carries the seeds that reproduce it.</summary>
public sealed class FuzzFailureException : Exception
{
    public FuzzFailureException()
    {
    }

    public FuzzFailureException(string message)
        : base(message)
    {
    }

    public FuzzFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
