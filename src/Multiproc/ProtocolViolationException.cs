namespace Multiproc;

/// <summary>
/// The peer spoke a different protocol version or sent bytes that are not a valid Multiproc message.
/// </summary>
public sealed class ProtocolViolationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ProtocolViolationException()
        : base("The peer violated the Multiproc protocol.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ProtocolViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProtocolViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
