using System.Collections.Concurrent;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>One Python method call on a shared object, run behind the object's gate like any other call, answered in pickle.</summary>
/// <remarks>Besides the exposed methods, <c>#GETVALUE</c>, <c>__repr__</c> and <c>__str__</c> work on every object, as on CPython's servers.</remarks>
internal sealed class PythonCall : ServerCall
{
    private static readonly ConcurrentDictionary<(string, string), MemberCounter> s_counters = new();

    private readonly ObjectEntry _entry;
    private readonly PythonSharedType _type;
    private readonly PythonContext _context;
    private readonly PythonArguments _arguments;

    public PythonCall(PythonServerConnection connection, uint callId, ObjectEntry entry, PythonSharedType type, string method, PythonArguments arguments)
        : base(connection, callId, type.GateFor(entry), cancellable: true)
    {
        _entry = entry;
        _type = type;
        _context = connection.Context;
        _arguments = arguments;
        Method = method;
        entry.CountCall();
    }

    public override string Service => _type.TypeId;

    public override string Method { get; }

    protected override MemberCounter Counter => s_counters.GetOrAdd((_type.TypeId, Method), static _ => new MemberCounter());

    protected override async ValueTask<(object? Result, ValueWriter? Writer)> InvokeAsync()
    {
        object instance = _entry.Instance;
        object? result = Method switch
        {
            "#GETVALUE" => _type.GetValue(instance, _context.Values),
            "__repr__" or "__str__" when !_type.Exposed.Contains(Method) => _type.Repr(instance, _context.Values),
            _ when _type.Exposed.Contains(Method) => await _type.InvokeAsync(
                new PythonInvocation(instance, Method, _arguments, Session.Caller, _context, CancellationToken)).ConfigureAwait(false),
            _ => throw new PythonProtocolError($"method '{Method}' of typeid '{_type.TypeId}' is not exposed\nKeyError: '{Method}'"),
        };
        return (result, null);
    }
}
