using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>queue.Queue</c> (typeids <c>Queue</c> and <c>JoinableQueue</c>, an <c>AutoProxy</c>) on a shared queue.</summary>
/// <remarks>
/// A blocking <c>get</c> holds only its caller's channel. An item taken by a <c>get</c> whose client went away
/// before the reply was written goes back to the front of the queue (the lease), unlike CPython, which loses it.
/// </remarks>
internal sealed class PythonQueueType(string typeId) : PythonSharedType
{
    public static PythonQueueType Queue { get; } = new("Queue");

    public static PythonQueueType JoinableQueue { get; } = new("JoinableQueue");

    public override string TypeId => typeId;

    public override IReadOnlyList<string> Exposed { get; } =
        ["empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "task_done"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Queue);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(1, "maxsize");
        long maxSize = PythonArguments.ToIndex(arguments.Get(0, "maxsize", 0L), "maxsize");
        // Python: maxsize <= 0 is unbounded, which the shared queue spells 0.
        return new SharedQueueServer((int)ValueKind.Any, nullable: true, (int)Math.Clamp(maxSize, 0, int.MaxValue), context.Host.Clock);
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError("a Queue has no value to copy");

    public override string Repr(object instance, PythonValues values) => $"<queue.Queue object, {((SharedQueueServer)instance).Count()} items>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var queue = (SharedQueueServer)call.Instance;
        PythonArguments args = call.Arguments;
        PythonValues values = call.Context.Values;
        switch (call.Method)
        {
            case "qsize":
                return (long)queue.Count();
            case "empty":
                return queue.Count() == 0;
            case "full":
                return queue.Capacity() > 0 && queue.Count() >= queue.Capacity();
            case "put":
            case "put_nowait":
                args.Expect(3, "item", "block", "timeout");
                TimeSpan putWait = Wait(call.Method == "put_nowait", args, 1);
                return await queue.Put(values.Encode(args.Require(0, "item")), putWait, call.CancellationToken).ConfigureAwait(false)
                    ? null
                    : throw new PythonRaise(PythonErrors.QueueFull());
            case "get":
            case "get_nowait":
                args.Expect(2, "block", "timeout");
                TimeSpan getWait = Wait(call.Method == "get_nowait", args, 0);
                Leased<EncodedValue[]?> taken = await queue.Take(1, getWait, call.Caller, call.CancellationToken).ConfigureAwait(false);
                return taken.Value is [var item]
                    ? new PythonLeased(values.Decode(item), taken.Lease)
                    : throw new PythonRaise(PythonErrors.QueueEmpty());
            case "task_done":
                try
                {
                    queue.TaskDone(call.Caller);
                }
                catch (InvalidOperationException)
                {
                    throw new ArgumentException("task_done() called too many times");
                }

                return null;
            case "join":
                await queue.Join(Timeout.InfiniteTimeSpan, call.CancellationToken).ConfigureAwait(false);
                return null;
            default:
                throw NotExposed(call.Method);
        }
    }

    /// <summary><c>block</c> and <c>timeout</c> as one wait: not blocking is no wait; None waits forever.</summary>
    private static TimeSpan Wait(bool noWait, PythonArguments args, int blockIndex)
    {
        if (noWait || !PythonArguments.ToBool(args.Get(blockIndex, "block", true)))
        {
            return TimeSpan.Zero;
        }

        return PythonArguments.ToNonNegativeTimeout(args.Get(blockIndex + 1, "timeout"), "'timeout' must be a non-negative number");
    }
}
