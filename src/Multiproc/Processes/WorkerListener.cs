using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Multiproc.Processes;

/// <summary>
/// The Unix socket this process's workers connect back to; one per process, created on first use.
/// </summary>
/// <remarks>
/// The socket lives in a fresh directory readable only by the current user (mode 0700) and is
/// deleted when the process exits. A worker proves which start it belongs to by sending the 16
/// random bytes it received on its stdin; a connection with an unknown token is closed.
/// </remarks>
internal sealed class WorkerListener : IDisposable
{
    /// <summary>The length of a worker's connection token.</summary>
    public const int TokenLength = 16;

    private static readonly Lazy<WorkerListener> s_shared = new(() => new WorkerListener());

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<Socket>> _pending = new();
    private readonly Socket _socket;
    private readonly string _directory;

    private WorkerListener()
    {
        string name = "multiproc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        _directory = Path.Combine(Path.GetTempPath(), name);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        SocketPath = Path.Combine(_directory, "w");
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _socket.Listen(512);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        _ = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Gets the listener of this process.</summary>
    public static WorkerListener Shared => s_shared.Value;

    /// <summary>Gets the path workers connect to.</summary>
    public string SocketPath { get; }

    /// <summary>Reserves a token; the task completes with the worker's connected socket.</summary>
    public (byte[] Token, Task<Socket> Connection) Register()
    {
        byte[] token = RandomNumberGenerator.GetBytes(TokenLength);
        var connection = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[new Guid(token)] = connection;
        return (token, connection.Task);
    }

    /// <summary>Forgets a token whose worker will never connect (it exited or was abandoned).</summary>
    public void Unregister(ReadOnlySpan<byte> token)
    {
        if (_pending.TryRemove(new Guid(token), out TaskCompletionSource<Socket>? connection))
        {
            connection.TrySetCanceled();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = IdentifyAsync(accepted);
        }
    }

    private async Task IdentifyAsync(Socket accepted)
    {
        byte[] token = new byte[TokenLength];
        try
        {
            // A real worker sends its token right after connecting; anything slower is not one of ours.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            int received = 0;
            while (received < TokenLength)
            {
                int read = await accepted.ReceiveAsync(token.AsMemory(received), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                received += read;
            }

            if (received == TokenLength && _pending.TryRemove(new Guid(token), out TaskCompletionSource<Socket>? connection)
                && connection.TrySetResult(accepted))
            {
                return;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }

        accepted.Dispose();
    }

    /// <summary>Closes the socket and deletes its directory; runs when the process exits.</summary>
    public void Dispose()
    {
        try
        {
            _socket.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
