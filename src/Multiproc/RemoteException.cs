namespace Multiproc;

/// <summary>
/// An exception thrown by code running in another process (the manager or a worker) whose
/// type is not one that Multiproc re-creates locally.
/// </summary>
/// <remarks>
/// BCL exception types such as <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>
/// are rethrown as the same type; everything else arrives as a <see cref="RemoteException"/>.
/// </remarks>
public sealed class RemoteException : Exception
{
    /// <summary>Creates an exception describing a remote failure.</summary>
    /// <param name="remoteTypeName">The full name of the exception type thrown remotely.</param>
    /// <param name="message">The remote exception's message.</param>
    /// <param name="remoteStackTrace">The remote stack trace, if it was sent.</param>
    public RemoteException(string remoteTypeName, string message, string? remoteStackTrace)
        : base(message)
    {
        RemoteTypeName = remoteTypeName;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Creates an exception with no remote details.</summary>
    public RemoteException()
        : this("System.Exception", "A remote operation failed.", null)
    {
    }

    /// <summary>Creates an exception with a message and no remote details.</summary>
    /// <param name="message">The message.</param>
    public RemoteException(string message)
        : this("System.Exception", message, null)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RemoteException(string message, Exception innerException)
        : base(message, innerException)
    {
        RemoteTypeName = "System.Exception";
    }

    /// <summary>Gets the full name of the exception type that was thrown remotely.</summary>
    public string RemoteTypeName { get; }

    /// <summary>Gets the stack trace captured where the exception was thrown, or <see langword="null"/>.</summary>
    public string? RemoteStackTrace { get; }

    /// <inheritdoc />
    public override string ToString()
        => RemoteStackTrace is null
            ? $"{RemoteTypeName}: {Message}"
            : $"{RemoteTypeName}: {Message}{Environment.NewLine}--- remote stack ---{Environment.NewLine}{RemoteStackTrace}{Environment.NewLine}--- local ---{Environment.NewLine}{base.ToString()}";
}
