using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>A Python exception a Python-semantics member raises as it is: the object the <c>#ERROR</c> reply carries.</summary>
/// <remarks>Used where the exception's arguments matter (<c>KeyError(key)</c>) or its class has no .NET twin (<c>queue.Empty</c>).</remarks>
internal sealed class PythonRaise : Exception
{
    public PythonRaise(PyObject error)
        : base($"Python {error.Callable}")
    {
        Error = error;
    }

    public PythonRaise()
        : this(PythonErrors.RuntimeError("error"))
    {
    }

    public PythonRaise(string message)
        : this(PythonErrors.RuntimeError(message))
    {
    }

    public PythonRaise(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = PythonErrors.RuntimeError(message);
    }

    /// <summary>Gets the exception object, for example <c>builtins.KeyError(42)</c>.</summary>
    public PyObject Error { get; }
}
