using Multiproc.Protocol.BuiltIns;
using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Condition</c> (<c>ConditionProxy</c>) on a shared condition over its own reentrant lock, owned by the calling channel.</summary>
/// <remarks><c>wait_for</c> loops in the client over <c>wait</c>, as stock proxies do. <c>Condition(lock)</c> takes a proxy of this manager's
/// <c>Lock</c> or <c>RLock</c> and waits on that very lock.</remarks>
internal sealed class PythonConditionType : PythonSharedType
{
    public static PythonConditionType Instance { get; } = new();

    public override string TypeId => "Condition";

    public override IReadOnlyList<string> Exposed { get; } = ["acquire", "release", "wait", "notify", "notify_all"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Condition);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(1, "lock");
        object? lockProxy = arguments.Get(0, "lock");
        if (lockProxy is null)
        {
            return new SharedConditionServer(reentrant: true, context.Host.Clock);
        }

        // Condition(m.Lock()): the proxy is a reference to the manager's lock, which the condition holds and uses as is.
        EncodedValue shared = context.Values.Encode(lockProxy);
        return shared.References is [_]
            ? new SharedConditionServer(shared, context.Host.Clock)
            : throw new PythonTypeErrorException("Condition(lock) takes a Lock or RLock of this manager");
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError("a Condition has no value to copy");

    public override string Repr(object instance, PythonValues values) => "<Condition>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var condition = (SharedConditionServer)call.Instance;
        PythonArguments args = call.Arguments;
        switch (call.Method)
        {
            case "acquire":
                return await condition.Acquire(PythonLockType.AcquireWait(args), call.Caller, call.CancellationToken).ConfigureAwait(false) != 0;
            case "release":
                condition.Release(call.Caller);
                return null;
            case "wait":
                args.Expect(1, "timeout");
                return await condition.Wait(PythonArguments.ToTimeout(args.Get(0, "timeout")), call.Caller, call.CancellationToken).ConfigureAwait(false);
            case "notify":
                args.Expect(1, "n");
                condition.Notify((int)Math.Clamp(PythonArguments.ToIndex(args.Get(0, "n", 1L), "n"), 0, int.MaxValue), call.Caller);
                return null;
            case "notify_all":
                condition.NotifyAll(call.Caller);
                return null;
            default:
                throw NotExposed(call.Method);
        }
    }
}
