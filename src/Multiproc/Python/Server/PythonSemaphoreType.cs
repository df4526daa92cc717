using Multiproc.Protocol.BuiltIns;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Semaphore</c> and <c>BoundedSemaphore</c> (<c>AcquirerProxy</c>) on a counting shared semaphore: no owner.</summary>
internal sealed class PythonSemaphoreType(string typeId, bool bounded) : PythonSharedType
{
    public static PythonSemaphoreType Semaphore { get; } = new("Semaphore", bounded: false);

    public static PythonSemaphoreType BoundedSemaphore { get; } = new("BoundedSemaphore", bounded: true);

    public override string TypeId => typeId;

    public override IReadOnlyList<string> Exposed { get; } = ["acquire", "release"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Semaphore);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(1, "value");
        long value = PythonArguments.ToIndex(arguments.Get(0, "value", 1L), "value");
        if (value < 0)
        {
            throw new ArgumentException("semaphore initial value must be >= 0");
        }

        int initial = (int)Math.Min(value, int.MaxValue);
        return new SharedSemaphoreServer(initial, bounded ? Math.Max(initial, 1) : int.MaxValue, (int)SemaphoreKind.Counting, context.Host.Clock);
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError($"a {typeId} has no value to copy");

    public override string Repr(object instance, PythonValues values) => $"<{typeId} value={((SharedSemaphoreServer)instance).CurrentCount()}>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var semaphore = (SharedSemaphoreServer)call.Instance;
        switch (call.Method)
        {
            case "acquire":
                TimeSpan wait = PythonLockType.AcquireWait(call.Arguments);
                return await semaphore.Acquire(wait, call.Caller, call.CancellationToken).ConfigureAwait(false)
                    ? new PythonGrant(true, () => semaphore.Release(1, call.Caller))
                    : false;
            case "release":
                call.Arguments.Expect(1, "n");
                long n = PythonArguments.ToIndex(call.Arguments.Get(0, "n", 1L), "n");
                if (n < 1)
                {
                    throw new ArgumentException("n must be one or more");
                }

                try
                {
                    semaphore.Release((int)Math.Min(n, int.MaxValue), call.Caller);
                }
                catch (SemaphoreFullException)
                {
                    throw new ArgumentException("Semaphore released too many times");
                }

                return null;
            default:
                throw NotExposed(call.Method);
        }
    }
}
