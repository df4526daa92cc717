using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>A manager's reply: <c>('#RETURN', value)</c>, <c>('#ERROR', exception)</c>, <c>('#PROXY', (exposed, token))</c>,
/// <c>('#TRACEBACK', text)</c> or <c>('#UNSERIALIZABLE', text)</c>, as the pickle value model.</summary>
internal readonly record struct PythonReply(string Kind, object? Value)
{
    public const string Return = "#RETURN";
    public const string Error = "#ERROR";
    public const string Proxy = "#PROXY";
    public const string Traceback = "#TRACEBACK";
    public const string Unserializable = "#UNSERIALIZABLE";

    /// <summary>Reads a reply frame.</summary>
    /// <exception cref="ProtocolViolationException">The frame is not a pickled 2-tuple with a known kind.</exception>
    public static PythonReply Parse(byte[] payload)
    {
        object? value = PickleReader.Read(payload, PickleLimits.Default);
        if (value is PyTuple { Count: 2 } pair && pair[0] is string kind
            && kind is Return or Error or Proxy or Traceback or Unserializable)
        {
            return new PythonReply(kind, pair[1]);
        }

        throw new ProtocolViolationException("The Python manager sent a reply that is not (kind, value) with a known kind.");
    }
}
