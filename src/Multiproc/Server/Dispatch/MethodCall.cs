using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>A call of a method on a shared object.</summary>
internal sealed class MethodCall : ServerCall
{
    private readonly object _target;
    private readonly ServerMethod _method;
    private readonly object?[] _arguments;
    private readonly bool _builtIn;
    private readonly string _typeId;

    public MethodCall(ServerSession session, uint callId, ObjectEntry entry, ServerMethod method, object?[] arguments)
        : base(session, callId, entry.Gate, method.CancellationTokenIndex >= 0)
    {
        _target = entry.Instance;
        _method = method;
        _arguments = arguments;
        _builtIn = entry.Binding.IsBuiltIn;
        _typeId = entry.Binding.TypeId;
        entry.CountCall();
    }

    /// <inheritdoc/>
    public override string Service => _typeId;

    /// <inheritdoc/>
    public override string Method => _method.Name;

    /// <inheritdoc/>
    protected override MemberCounter Counter => _method.Counter;

    public override bool RunsInline => _method.Inline.RunsInline;

    public override void MarkSlow() => _method.Inline.MarkSlow();

    /// <summary>Gets whether this is a user's method not known to be short (built-in objects never block a thread).</summary>
    protected override bool RunsOnThreadPool => !_builtIn && !RunsInline;

    protected override async ValueTask<(object? Result, ValueWriter? Writer)> InvokeAsync()
    {
        if (_method.CancellationTokenIndex >= 0)
        {
            _arguments[_method.CancellationTokenIndex] = CancellationToken;
        }

        if (_method.CallerIndex >= 0)
        {
            _arguments[_method.CallerIndex] = Session.Caller;
        }

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        object? result = _method.Invoker(_target, _arguments);
        _method.Inline.Record(start);
        if (_method.Awaiter is not null)
        {
            result = await _method.Awaiter(result).ConfigureAwait(false);
        }

        return (result, _method.ResultWriter);
    }
}
