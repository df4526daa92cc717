using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>
/// Python's <c>Lock</c> and <c>RLock</c> (<c>AcquirerProxy</c>) on a shared lock. A <c>Lock</c> created here has
/// Python's semantics: no owner (any client may release it) and a holder's channel closing keeps it held.
/// An <c>RLock</c> is owned by the calling channel, which is one client thread (docs/python.md).
/// </summary>
internal sealed class PythonLockType(string typeId, bool reentrant) : PythonSharedType
{
    public static PythonLockType Lock { get; } = new("Lock", reentrant: false);

    public static PythonLockType RLock { get; } = new("RLock", reentrant: true);

    public override string TypeId => typeId;

    public override IReadOnlyList<string> Exposed { get; } = ["acquire", "release"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Lock);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(0);
        return new SharedLockServer(reentrant, ownerless: !reentrant, context.Host.Clock);
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError($"a {typeId} has no value to copy");

    public override string Repr(object instance, PythonValues values) => $"<{typeId} {(((SharedLockServer)instance).IsLocked() ? "locked" : "unlocked")}>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var shared = (SharedLockServer)call.Instance;
        switch (call.Method)
        {
            case "acquire":
                TimeSpan wait = AcquireWait(call.Arguments);
                bool acquired = await shared.Acquire(wait, call.Caller, call.CancellationToken).ConfigureAwait(false) != 0;
                // An RLock goes back by itself when its owner's channel closes; a Lock has no owner to close.
                return acquired && !reentrant ? new PythonGrant(true, () => shared.Release(call.Caller)) : acquired;
            case "release":
                shared.Release(call.Caller);
                return null;
            default:
                throw NotExposed(call.Method);
        }
    }

    /// <summary><c>acquire(blocking=True, timeout=-1)</c> as one wait, with Python's checks.</summary>
    internal static TimeSpan AcquireWait(PythonArguments arguments)
    {
        arguments.Expect(2, "blocking", "timeout");
        bool blocking = PythonArguments.ToBool(arguments.Get(0, "blocking", true));
        object? timeout = arguments.Get(1, "timeout", -1L);
        bool forever = timeout is null || (timeout is long t && t == -1) || (timeout is double d && d == -1);
        if (!blocking)
        {
            return forever ? TimeSpan.Zero : throw new ArgumentException("can't specify a timeout for a non-blocking call");
        }

        return forever ? Timeout.InfiniteTimeSpan : PythonArguments.ToNonNegativeTimeout(timeout, "timeout value must be a non-negative number");
    }
}
