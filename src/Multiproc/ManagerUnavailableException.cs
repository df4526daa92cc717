namespace Multiproc;

/// <summary>
/// The manager cannot be reached: it was shut down, its process died, or the connection to it broke.
/// </summary>
/// <remarks>Calls in flight when the connection breaks fail with this exception; later calls fail fast with it.</remarks>
public sealed class ManagerUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ManagerUnavailableException()
        : base("The manager is not available.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ManagerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, such as a <see cref="System.Net.Sockets.SocketException"/>.</param>
    public ManagerUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
