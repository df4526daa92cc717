namespace Multiproc.Transport;

/// <summary>Runs one blocking operation on a thread of its own and exposes it as a task.</summary>
/// <remarks>
/// For rare blocking work (connect, handshake) that must not depend on a free thread-pool thread:
/// callers blocked on pool threads would otherwise delay it until the pool injects more threads.
/// </remarks>
internal static class DedicatedThread
{
    public static Task<T> Run<T>(Func<T> work, string name)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(work());
            }
#pragma warning disable CA1031 // The exception is handed to the awaiting caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completion.SetException(ex);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return completion.Task;
    }
}
