using MessagePack;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>A single pool call whose result completes <see cref="Task"/>.</summary>
internal sealed class ApplyTask<TResult> : PoolTask
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;

    public ApplyTask(RegisteredTarget target, byte[] arguments, CancellationToken cancellationToken)
        : base(target, WorkerFrameKind.Apply, arguments, WorkerTrace.Capture())
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((ApplyTask<TResult>)state!).Cancel(token), this);
        }
    }

    /// <summary>Gets the task completed with the call's result.</summary>
    /// <remarks>Canceling abandons the call: a call already running in a worker runs to its end and its result is dropped.</remarks>
    public Task<TResult> Task => _completion.Task;

    /// <inheritdoc />
    public override void Complete(ReadOnlyMemory<byte> result)
    {
        try
        {
            var reader = new MessagePackReader(result);
            _completion.TrySetResult((TResult)WorkerArgumentCodec.ReadValue(ref reader, Target.Method.Method.ReturnType)!);
        }
        catch (MessagePackSerializationException ex)
        {
            _completion.TrySetException(ex);
        }

        _registration.Dispose();
    }

    /// <inheritdoc />
    public override void Fail(Exception exception)
    {
        _completion.TrySetException(exception);
        _registration.Dispose();
    }

    private void Cancel(CancellationToken token)
    {
        TryCancelPending();
        _completion.TrySetCanceled(token);
    }
}
