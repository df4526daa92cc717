namespace Multiproc;

/// <summary>
/// An exception raised in a CPython manager (a <c>#ERROR</c> reply), or a manager's refusal of a request
/// (<c>#TRACEBACK</c>: an unknown typeid, id or method), as <see cref="PythonManager"/> reports it.
/// </summary>
/// <remarks>
/// Python exceptions with a .NET counterpart arrive as that .NET type (<c>KeyError</c> as
/// <see cref="KeyNotFoundException"/>, <c>IndexError</c> as <see cref="ArgumentOutOfRangeException"/>, …; docs/python.md,
/// "The C# client") with a <see cref="PythonRemoteException"/> as the inner exception; the others arrive as a
/// <see cref="PythonRemoteException"/> itself. Either way the Python class and arguments stay visible here.
/// </remarks>
public sealed class PythonRemoteException : Exception
{
    /// <summary>Creates an exception describing a Python failure.</summary>
    /// <param name="pythonType">The Python class, <c>module.Name</c> (e.g. <c>builtins.KeyError</c>, <c>_queue.Empty</c>).</param>
    /// <param name="message">A message naming the class and arguments.</param>
    /// <param name="arguments">The exception's <c>args</c>, converted as return values are.</param>
    /// <param name="remoteTraceback">The manager's traceback text (sent with <c>#TRACEBACK</c> replies), or <see langword="null"/>.</param>
    public PythonRemoteException(string pythonType, string message, IReadOnlyList<object?> arguments, string? remoteTraceback)
        : base(message)
    {
        PythonType = pythonType;
        Arguments = arguments;
        RemoteTraceback = remoteTraceback;
    }

    /// <summary>Creates an exception with no Python details.</summary>
    public PythonRemoteException()
        : this("builtins.Exception", "A Python manager reported an error.", [], null)
    {
    }

    /// <summary>Creates an exception with a message and no Python details.</summary>
    /// <param name="message">The message.</param>
    public PythonRemoteException(string message)
        : this("builtins.Exception", message, [], null)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PythonRemoteException(string message, Exception innerException)
        : base(message, innerException)
    {
        PythonType = "builtins.Exception";
        Arguments = [];
    }

    /// <summary>Gets the Python class, <c>module.Name</c>; <c>multiprocessing.managers.RemoteError</c> for a refused request.</summary>
    public string PythonType { get; }

    /// <summary>Gets the exception's <c>args</c>, converted as return values are (objects without a .NET form stay <see cref="OpaquePythonValue"/>).</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>Gets the manager's traceback text for a refused request, or <see langword="null"/>.</summary>
    public string? RemoteTraceback { get; }

    /// <inheritdoc />
    public override string ToString()
        => RemoteTraceback is null
            ? $"{PythonType}: {Message}"
            : $"{PythonType}: {Message}{Environment.NewLine}--- Python traceback ---{Environment.NewLine}{RemoteTraceback}{Environment.NewLine}--- local ---{Environment.NewLine}{base.ToString()}";
}
