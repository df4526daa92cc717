using System.Collections.Concurrent;
using Multiproc.Python.Pickle;
using Multiproc.Transport;

namespace Multiproc.Python.Client;

/// <summary>
/// A client of one CPython manager: admin requests each on a new connection, object calls on a pool of call
/// channels (one per call in flight), and the references this process holds.
/// </summary>
/// <remarks>
/// CPython answers exactly one request per admin connection and serves a channel strictly request/reply, with a
/// server thread per channel; so a call rents a channel for its whole round trip and returns it after, and at most
/// <see cref="MaxIdleChannels"/> idle channels are kept. A channel whose call failed or was abandoned is closed,
/// never reused (its reply could still arrive). References are counted by the server (incref/decref on admin
/// connections), not tied to any connection: this session decrefs each one it holds when its handle is released,
/// and every one still held when it is disposed.
/// </remarks>
internal sealed class PythonClientSession : IDisposable
{
    /// <summary>The most idle channels kept open (each one holds a thread in the CPython server).</summary>
    public const int MaxIdleChannels = 8;

    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);

    private readonly ManagerAddress _address;
    private readonly byte[] _key;
    private readonly ConcurrentQueue<PythonConnection> _idle = new();
    private readonly ConcurrentDictionary<long, PythonToken> _held = new();
    private long _nextHandle;
    private int _idleCount;
    private int _disposed;
    private object? _serverAddress;

    public PythonClientSession(ManagerAddress address, ReadOnlyMemory<byte> key)
    {
        _address = address;
        _key = key.ToArray();
        _serverAddress = address.IsUnix ? address.UnixPath : new PyTuple(address.Host, (long)address.Port);
    }

    /// <summary>Gets the address this session connects to.</summary>
    public string Address => _address.Text;

    /// <summary>Gets the manager's own address as Python spells it in tokens (learned from the first token it sent).</summary>
    public object? ServerAddress => Volatile.Read(ref _serverAddress);

    /// <summary>Gets the number of references this session holds.</summary>
    public int HeldCount => _held.Count;

    /// <summary>Gets a value indicating whether the session was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Sends one admin request (<c>ident</c> None) on a connection of its own.</summary>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    public PythonReply Admin(string method, PyTuple args, PyDict? kwargs = null)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using PythonConnection connection = PythonConnection.Open(_address, _key, s_connectTimeout);
        return connection.Exchange(null, method, args, kwargs ?? new PyDict());
    }

    /// <summary>Calls <paramref name="method"/> of object <paramref name="ident"/> on a call channel.</summary>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached, or the channel broke mid-call.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired: the channel was closed, and the call may have run.</exception>
    public PythonReply Call(string ident, string method, PyTuple args, PyDict kwargs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PythonConnection channel = Rent();
        bool healthy = false;
        try
        {
            using (cancellationToken.Register(static c => ((PythonConnection)c!).Abort(), channel))
            {
                PythonReply reply = channel.Exchange(ident, method, args, kwargs);
                healthy = !channel.IsAborted;
                return reply;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call to the Python manager was cancelled; it may still run there.", cancellationToken);
        }
        finally
        {
            if (healthy)
            {
                Return(channel);
            }
            else
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>Records a reference this process now holds; the returned handle number releases it.</summary>
    public long Hold(PythonToken token)
    {
        long handle = Interlocked.Increment(ref _nextHandle);
        _held[handle] = token;
        return handle;
    }

    /// <summary>Takes one more reference to <paramref name="token"/>'s object on the server (a proxy received inside a value).</summary>
    public void Incref(PythonToken token) => Expect(Admin("incref", new PyTuple(token.Id)), "incref");

    /// <summary>Decrefs a held reference once; a second release of the same handle does nothing.</summary>
    /// <remarks>Best effort: a manager that is gone has released everything anyway.</remarks>
    public void Release(long handle)
    {
        if (_held.TryRemove(handle, out PythonToken? token))
        {
            Decref(token);
        }
    }

    /// <summary>Remembers the manager's own address from a token it sent (CPython recognises its objects by it).</summary>
    public void Learn(PythonToken token)
    {
        if (token.Address is not null)
        {
            Volatile.Write(ref _serverAddress, token.Address);
        }
    }

    /// <summary>Closes every idle channel and decrefs every reference still held.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (long handle in _held.Keys)
        {
            if (_held.TryRemove(handle, out PythonToken? token))
            {
                Decref(token);
            }
        }

        while (_idle.TryDequeue(out PythonConnection? channel))
        {
            channel.Dispose();
        }
    }

    private void Decref(PythonToken token)
    {
        try
        {
            using PythonConnection connection = PythonConnection.Open(_address, _key, s_connectTimeout);
            connection.Exchange(null, "decref", new PyTuple(token.Id), new PyDict());
        }
        catch (Exception ex) when (ex is ManagerUnavailableException or ProtocolViolationException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            // The manager is gone (it released everything) or unreachable: nothing more to do.
        }
    }

    private PythonConnection Rent()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_idle.TryDequeue(out PythonConnection? idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }

        PythonConnection channel = PythonConnection.Open(_address, _key, s_connectTimeout);
        try
        {
            string name = $"Multiproc|{Environment.ProcessId}|{Environment.CurrentManagedThreadId}";
            Expect(channel.Exchange(null, "accept_connection", new PyTuple(name), new PyDict()), "accept_connection");
            return channel;
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    private void Return(PythonConnection channel)
    {
        if (IsDisposed || Interlocked.Increment(ref _idleCount) > MaxIdleChannels)
        {
            if (!IsDisposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            channel.Dispose();
            return;
        }

        _idle.Enqueue(channel);
        if (IsDisposed && _idle.TryDequeue(out PythonConnection? late))
        {
            late.Dispose();
        }
    }

    private static void Expect(PythonReply reply, string request)
    {
        if (reply.Kind != PythonReply.Return)
        {
            throw PythonErrorMapping.ToException(reply, $"the '{request}' request");
        }
    }
}
