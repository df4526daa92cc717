using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Multiproc.Python.Server;

/// <summary>
/// The threads Python connections run on: one per connection, as CPython's server does, but a thread whose
/// connection ended waits a while for the next one instead of exiting. Stock clients open about three short
/// connections per <c>create</c>; starting a thread for each cost more than the rest of the connection's handshake.
/// </summary>
#pragma warning disable CA1001 // _signal lives as long as the listener's process-wide threads that wait on it; they exit on their own.
internal sealed class PythonConnectionThreads
#pragma warning restore CA1001
{
    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromSeconds(2);

    private readonly Action<Socket> _serve;
    private readonly ConcurrentQueue<Socket> _work = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _idle;

    /// <param name="serve">Runs one connection to its end (it must not throw).</param>
    public PythonConnectionThreads(Action<Socket> serve) => _serve = serve;

    /// <summary>Gives <paramref name="socket"/> to an idle thread, or to a new one when none is idle.</summary>
    /// <exception cref="OutOfMemoryException">No thread could be started (the socket is still queued; the caller closes it).</exception>
    public void Run(Socket socket)
    {
        _work.Enqueue(socket);
        if (TryTakeIdle())
        {
            _signal.Release();
            return;
        }

        new Thread(Loop) { IsBackground = true, Name = "multiproc-python" }.Start();
    }

    private void Loop()
    {
        while (true)
        {
            while (_work.TryDequeue(out Socket? socket))
            {
                try
                {
                    _serve(socket);
                }
#pragma warning disable CA1031 // One connection's failure must not end a thread other connections wait for.
                catch (Exception)
#pragma warning restore CA1031
                {
                    socket.Dispose();
                }
            }

            Interlocked.Increment(ref _idle);
            if (!_signal.Wait(s_idleTimeout))
            {
                if (TryTakeIdle())
                {
                    return;
                }

                // A connection claimed this idle slot as the wait ended: its signal is on its way.
                _signal.Wait();
            }
        }
    }

    /// <summary>Takes one idle thread's slot; false when none is idle.</summary>
    private bool TryTakeIdle()
    {
        int idle;
        do
        {
            idle = Volatile.Read(ref _idle);
            if (idle == 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _idle, idle - 1, idle) != idle);

        return true;
    }
}
