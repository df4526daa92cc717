using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc;

/// <summary>A worker process running a function; its return value arrives as <see cref="Result"/>.</summary>
/// <typeparam name="TResult">The function's result type.</typeparam>
/// <remarks>Started by the <c>Func</c> overloads of <see cref="WorkerProcess.Start(Action)"/>.</remarks>
public sealed class WorkerProcess<TResult> : WorkerProcess
{
    internal WorkerProcess(TargetMethod target, LaunchedProcess child)
        : base(target, child)
    {
        Result = DecodeAsync(target.Method.ReturnType);
        Observe(Result);
    }

    /// <summary>Gets the function's return value, available as soon as the worker sends it.</summary>
    /// <remarks>
    /// Faults with the target's exception (a BCL type as itself with the worker's stack; any other type as
    /// <see cref="RemoteException"/> with the remote type name, message and stack trace) if the
    /// function threw, or with <see cref="WorkerCrashedException"/> if the worker exited without returning.
    /// </remarks>
    public Task<TResult> Result { get; }

    private async Task<TResult> DecodeAsync(Type declaredType)
    {
        byte[] body = await Outcome.ConfigureAwait(false);
        var reader = new MessagePackReader(body);
        return (TResult)WorkerArgumentCodec.ReadValue(ref reader, declaredType)!;
    }
}
