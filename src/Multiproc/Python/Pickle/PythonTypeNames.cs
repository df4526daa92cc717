using System.Numerics;

namespace Multiproc.Python.Pickle;

/// <summary>The Python type name of a value-model value, for Python's error messages.</summary>
internal static class PythonTypeNames
{
    /// <summary>The name Python's <c>type(value).__name__</c> gives.</summary>
    public static string Of(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or int or BigInteger => "int",
        double => "float",
        string => "str",
        PyBytes => "bytes",
        PyByteArray => "bytearray",
        PyTuple => "tuple",
        PyList => "list",
        PyDict => "dict",
        PySet => "set",
        PyFrozenSet => "frozenset",
        PyGlobal => "type",
        PyObject { Class: { } cls } => cls.Name,
        _ => "object",
    };

    /// <summary>The qualified name an opaque value is shown by (<c>fractions.Fraction</c>): an object's class, a global's own name, else <c>builtins.</c> and the type.</summary>
    public static string QualifiedOf(object? value) => value switch
    {
        PyObject { Class: { } cls } => cls.ToString(),
        PyGlobal global => global.ToString(),
        _ => "builtins." + Of(value),
    };
}
