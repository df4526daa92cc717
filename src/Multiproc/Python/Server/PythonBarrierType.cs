using Multiproc.Python.Pickle;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Barrier</c> (<c>BarrierProxy</c>) on a <see cref="PythonBarrier"/>; <c>action=</c> is Python code, so it is refused.</summary>
internal sealed class PythonBarrierType : PythonSharedType
{
    private static readonly SharedTypeBinding s_binding = new(new Registration("python:barrier", typeof(IPythonOnly), typeof(PythonBarrier), null));

    public static PythonBarrierType Instance { get; } = new();

    public override string TypeId => "Barrier";

    public override IReadOnlyList<string> Exposed { get; } = ["__getattribute__", "wait", "abort", "reset"];

    public override SharedTypeBinding Binding(PythonContext context) => s_binding;

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(3, "parties", "action", "timeout");
        long parties = PythonArguments.ToIndex(arguments.Require(0, "parties"), "parties");
        if (arguments.Get(1, "action") is not null)
        {
            throw new NotSupportedException("Barrier(action=...) runs Python code, which this manager cannot run");
        }

        if (parties < 1)
        {
            throw new ArgumentException("parties must be >= 1");
        }

        object? timeout = arguments.Get(2, "timeout");
        return new PythonBarrier((int)Math.Min(parties, int.MaxValue), timeout is null ? null : PythonArguments.ToTimeout(timeout), context.Host.Clock);
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError("a Barrier has no value to copy");

    public override string Repr(object instance, PythonValues values)
    {
        var barrier = (PythonBarrier)instance;
        return $"<Barrier parties={barrier.Parties} waiting={barrier.Waiting} broken={(barrier.IsBroken ? "True" : "False")}>";
    }

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var barrier = (PythonBarrier)call.Instance;
        PythonArguments args = call.Arguments;
        switch (call.Method)
        {
            case "wait":
                args.Expect(1, "timeout");
                object? timeout = args.Get(0, "timeout");
                TimeSpan wait = timeout is null ? barrier.DefaultTimeout ?? Timeout.InfiniteTimeSpan : PythonArguments.ToTimeout(timeout);
                return await barrier.WaitAsync(wait, call.CancellationToken).ConfigureAwait(false);
            case "abort":
                barrier.Abort();
                return null;
            case "reset":
                barrier.Reset();
                return null;
            case "__getattribute__":
                return (args.Require(0, "name") as string) switch
                {
                    "parties" => (long)barrier.Parties,
                    "n_waiting" => (long)barrier.Waiting,
                    "broken" => barrier.IsBroken,
                    var name => throw new PythonRaise(PythonErrors.AttributeError($"'Barrier' object has no attribute '{name}'")),
                };
            default:
                throw NotExposed(call.Method);
        }
    }
}
