using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>One request of <c>multiprocessing.managers</c>: <c>(ident, methodname, args, kwds)</c>.</summary>
/// <param name="Ident">The object id on a call channel; null for a control request (<c>create</c>, <c>incref</c>, …).</param>
/// <param name="Method">The method or control request name.</param>
/// <param name="Arguments">The positional and keyword arguments.</param>
internal sealed record PythonRequest(string? Ident, string Method, PythonArguments Arguments)
{
    /// <summary>Reads a request from an unpickled frame.</summary>
    /// <exception cref="ProtocolViolationException">The value is not a 4-tuple of the right types.</exception>
    public static PythonRequest From(object? value)
    {
        if (value is not PyTuple { Count: 4 } request
            || request[0] is not (null or string)
            || request[1] is not string method
            || request[2] is not PyTuple args
            || request[3] is not (PyDict or null))
        {
            throw new ProtocolViolationException("A Python request must be a tuple (ident, methodname, args, kwds).");
        }

        return new PythonRequest((string?)request[0], method, new PythonArguments(method, args, request[3] as PyDict));
    }
}
