namespace Multiproc.Python.Server;

/// <summary>
/// A request the manager cannot serve as asked (an unknown id or typeid, a method that is not exposed):
/// answered with <c>#TRACEBACK</c>, which stock clients raise as <c>RemoteError</c>, never with <c>#ERROR</c>.
/// </summary>
internal sealed class PythonProtocolError : Exception
{
    public PythonProtocolError()
    {
    }

    public PythonProtocolError(string message)
        : base(message)
    {
    }

    public PythonProtocolError(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
