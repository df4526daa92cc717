namespace Multiproc.Python.Pickle;

/// <summary>An operation Python answers with <c>TypeError</c>: an unhashable key, or an ordering between
/// unorderable types. The dispatch turns it into a Python <c>TypeError</c> with the same message.</summary>
internal sealed class PythonTypeErrorException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public PythonTypeErrorException()
        : base("TypeError")
    {
    }

    /// <summary>Creates the exception with Python's message.</summary>
    /// <param name="message">The message Python would give, for example <c>unhashable type: 'list'</c>.</param>
    public PythonTypeErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PythonTypeErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
