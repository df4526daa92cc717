using System.Net.Sockets;
using System.Security.Cryptography;
using Multiproc.Transport;

namespace Multiproc.Processes.Launch;

/// <summary>The Unix socket one worker connects back to; accepts exactly that worker, once.</summary>
/// <remarks>
/// <para>
/// The socket lives in its own fresh directory, usable only by the current user (mode 0700);
/// both are deleted as soon as the worker connected or exited, so nothing stays on disk unless
/// the parent is killed in that window; such leftovers are swept by the next process that starts
/// a worker (the directory name carries its creator's pid). The worker proves it is the one started by sending the
/// 16 random bytes it received on its stdin.
/// </para>
/// <para>
/// One socket per worker makes "did it connect before it exited?" decidable: a connection made
/// before the exit is already queued on this socket, so after the exit a non-blocking check
/// finds it or proves there is none.
/// </para>
/// </remarks>
internal sealed class WorkerListener : IDisposable
{
    /// <summary>The length of a worker's connection token.</summary>
    public const int TokenLength = 16;

    private const string DirectoryPrefix = "multiproc-w-";

    private static int s_swept;

    private readonly Socket _socket;
    private readonly string _directory;
    private int _disposed;

    /// <summary>Creates and binds a listener with a fresh path and token.</summary>
    public WorkerListener()
    {
        if (Interlocked.Exchange(ref s_swept, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => SweepLeftovers(), null);
        }

        _directory = CreateDirectory();
        SocketPath = Path.Combine(_directory, "s");
        Token = RandomNumberGenerator.GetBytes(TokenLength);
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
            _socket.Listen(1);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Gets the path the worker connects to.</summary>
    public string SocketPath { get; }

    /// <summary>Gets the token the worker must send first.</summary>
    public byte[] Token { get; }

    /// <summary>Waits for the worker's connection; <see langword="null"/> if it exited without connecting.</summary>
    /// <param name="exited">Completes when the worker process has exited.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<Socket?> AcceptAsync(Task exited, CancellationToken cancellationToken)
    {
        try
        {
            Socket? accepted;
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                Task<Socket> accept = _socket.AcceptAsync(stop.Token).AsTask();
                if (await Task.WhenAny(accept, exited).WaitAsync(cancellationToken).ConfigureAwait(false) != accept)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    await ((Task)accept).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                // After an exit, a connection the worker made is queued already: Poll(0) finds it without waiting.
                accepted = accept.IsCompletedSuccessfully ? accept.Result
                    : _socket.Poll(0, SelectMode.SelectRead) ? _socket.Accept()
                    : null;
            }

            if (accepted is not null && !HasToken(accepted))
            {
                accepted.Dispose();
                accepted = null;
            }

            return accepted;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Closes the socket and deletes its file and directory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // Synchronous on purpose: one asynchronous operation would switch the socket to non-blocking
    // mode for good, and a pool's reader thread would then wait through the epoll thread (an extra
    // thread hop on every answer) instead of blocking in recv. A worker sends its token right after
    // connecting, so the data is there; the timeout only bounds a stranger's connection.
    private bool HasToken(Socket socket)
    {
        byte[] received = new byte[TokenLength];
        int count = 0;
        try
        {
            socket.ReceiveTimeout = 30_000;
            while (count < TokenLength)
            {
                int read = socket.Receive(received, count, TokenLength - count, SocketFlags.None);
                if (read == 0)
                {
                    return false;
                }

                count += read;
            }

            socket.ReceiveTimeout = 0;
        }
        catch (SocketException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(received, Token);
    }

    private static string CreateDirectory()
    {
        string name = $"{DirectoryPrefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        return PrivateDirectory.Create(Path.Combine(Path.GetTempPath(), name));
    }

    private static void SweepLeftovers()
    {
        try
        {
            foreach (string path in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
            {
                string name = Path.GetFileName(path);
                int dash = name.IndexOf('-', DirectoryPrefix.Length);
                if (dash > 0 && int.TryParse(name.AsSpan(DirectoryPrefix.Length, dash - DirectoryPrefix.Length), out int pid) && !IsRunning(pid))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: another process may be sweeping the same leftovers.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
