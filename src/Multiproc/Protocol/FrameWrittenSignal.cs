namespace Multiproc.Protocol;

/// <summary>A frame-written observer a thread can block on.</summary>
internal sealed class FrameWrittenSignal : IFrameWrittenObserver
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnWritten() => _written.TrySetResult();

    public void OnWriteFailed(IOException fault) => _written.TrySetException(fault);

    /// <summary>Blocks until the frame is written.</summary>
    /// <exception cref="IOException">The sender faulted first.</exception>
    public void Wait() => _written.Task.GetAwaiter().GetResult();
}
