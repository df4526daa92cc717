using Multiproc.Python.Pickle;

namespace Multiproc;

/// <summary>
/// A Python object with no .NET form (a <c>Fraction</c>, a <c>SimpleNamespace</c>, an instance of a user's class, a
/// class or function), received from a CPython manager and kept as Python wrote it.
/// </summary>
/// <remarks>
/// Sending it back (as an argument, or inside a list or dictionary) writes the same object, so Python rebuilds an
/// equal object of the same class. Nothing in it is run or instantiated here. Equality is by reference, as for a
/// Python object without <c>__eq__</c>.
/// </remarks>
public sealed class PythonOpaqueValue
{
    internal PythonOpaqueValue(object model)
    {
        Model = model;
        PythonType = model switch
        {
            PyObject { Callable: PyGlobal callable } => callable.ToString(),
            PyGlobal global => global.ToString(),
            _ => "builtins.object",
        };
    }

    /// <summary>Gets the Python class (or, for a class or function itself, its name) as <c>module.Name</c>.</summary>
    public string PythonType { get; }

    internal object Model { get; }

    /// <inheritdoc />
    public override string ToString() => $"<Python {PythonType}>";
}
