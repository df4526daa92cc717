namespace Multiproc.Protocol;

/// <summary>Told once when a frame handed to <see cref="FrameSender"/> has been written to the socket, or never can be.</summary>
/// <remarks>
/// Called under the sender's lock, by whichever thread wrote the batch: an observer must run no
/// foreign code there (complete a task whose continuations run asynchronously, nothing more).
/// </remarks>
internal interface IFrameWrittenObserver
{
    /// <summary>The frame, and every frame queued before it, is in the kernel's send buffer.</summary>
    void OnWritten();

    /// <summary>The sender faulted before the frame was written.</summary>
    void OnWriteFailed(IOException fault);
}
