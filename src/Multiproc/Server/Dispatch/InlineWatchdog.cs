namespace Multiproc.Server.Dispatch;

/// <summary>
/// Watches calls running inline on connection reader threads and, when one runs long, hands the
/// connection's reading to a new thread so its other calls keep flowing.
/// </summary>
/// <remarks>
/// Ticks every 2 ms only while inline calls happen; after a quiet half second it parks and costs
/// nothing until the next inline call wakes it.
/// </remarks>
internal sealed class InlineWatchdog : IDisposable
{
    private const int TickMilliseconds = 2;
    private const long QuietMilliseconds = 500;

    private readonly Func<IEnumerable<ServerConnection>> _connections;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile bool _parked = true;
    private volatile bool _disposed;
    private long _lastActivity;

    public InlineWatchdog(Func<IEnumerable<ServerConnection>> connections)
    {
        _connections = connections;
        var thread = new Thread(Run) { IsBackground = true, Name = "multiproc-inline-watchdog" };
        thread.Start();
    }

    /// <summary>Called before each inline call: a plain store, plus a wake-up when parked.</summary>
    public void NoteInlineCall()
    {
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        // Pairs with the fence in Run: either it sees this activity or this sees it parked.
        Interlocked.MemoryBarrier();
        if (_parked)
        {
            _parked = false;
            Wake();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Wake();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // The thread saw _disposed between the store and this release, left, and disposed the semaphore.
        }
    }

    private void Run()
    {
        while (!_disposed)
        {
            if (_parked)
            {
                _wake.Wait();
                continue;
            }

            Thread.Sleep(TickMilliseconds);
            foreach (ServerConnection connection in _connections())
            {
                connection.HandOffIfStalled();
            }

            if (Environment.TickCount64 - Volatile.Read(ref _lastActivity) > QuietMilliseconds)
            {
                _parked = true;
                Interlocked.MemoryBarrier();
                if (Environment.TickCount64 - Volatile.Read(ref _lastActivity) <= QuietMilliseconds)
                {
                    _parked = false;
                }
            }
        }

        _wake.Dispose();
    }
}
