using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Multiproc.Python.Wire;
using Xunit.Abstractions;

namespace Multiproc.Tests.Python;

/// <summary>
/// The judge is CPython: a stock <c>multiprocessing.connection.Client</c> against the C# server handshake, and a
/// stock <c>Listener</c> against the C# client handshake, for each interpreter found (3.11: legacy MD5 and a
/// 20-byte challenge; 3.13: <c>{sha256}</c>). One Python process per case, killed on dispose.
/// </summary>
[Trait("Kind", "Process")]
public sealed class CPythonHandshakeTests(ITestOutputHelper output)
{
    private const string ClientScript = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Client
        where, key = sys.argv[1], bytes.fromhex(sys.argv[2])
        try:
            conn = Client(('127.0.0.1', int(where)) if where.isdigit() else where, authkey=key)
        except AuthenticationError as e:
            print('auth-error', e)
            sys.exit(0)
        conn.send_bytes(b'ping')
        print('echo', conn.recv_bytes().decode())
        conn.close()
        """;

    private const string ListenerScript = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Listener
        with Listener(('127.0.0.1', 0), authkey=bytes.fromhex(sys.argv[1])) as listener:
            print('port', listener.address[1])
            try:
                conn = listener.accept()
            except AuthenticationError as e:
                print('auth-error', e)
                sys.exit(0)
            conn.send_bytes(conn.recv_bytes())
            conn.close()
            print('done')
        """;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private static readonly byte[] s_key = [.. "interop key"u8];

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Fact]
    public void Interpreters_AtLeastOneFound()
    {
        output.WriteLine($"interpreters: {string.Join("; ", PythonInterpreters.Found)}");
        Assert.NotEmpty(PythonInterpreters.Found);
        if (PythonInterpreters.Found.Count < 2)
        {
            output.WriteLine("Only one handshake generation is covered here: CI runs both 3.11 and 3.13.");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CSharpServer_StockClient_HandshakesAndEchoes(string version)
    {
        PythonInterpreter python = Interpreter(version);
        (PythonServerHandshake server, string line) = await ServeOneClientAsync(python, s_key, requireSha256: false, echo: true);

        Assert.Equal("echo ping", line);
        Assert.Equal(python.IsLegacy ? "md5" : "sha256", server.ClientDigest);
        Assert.Equal(python.IsLegacy, server.ClientChallengeIsLegacy);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CSharpServer_StockClientOverAUnixSocket_HandshakesAndEchoes(string version)
    {
        PythonInterpreter python = Interpreter(version);
        string path = Path.Combine(Path.GetTempPath(), $"pw-{Guid.NewGuid():N}"[..12]);
        using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(16);
            using PythonScript script = PythonScript.Start(python, ClientScript, path, Convert.ToHexString(s_key));
            using Socket socket = Accept(listener, script);

            PythonHandshakeRunner.Run(socket, new PythonServerHandshake(s_key, requireSha256: false), s_timeout, quickAck: true);
            Echo(socket);

            Assert.Equal("echo ping", await script.ReadLineAsync(s_timeout));
            Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
        }

        File.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CSharpServer_StockClientWithTheWrongKey_BothSidesFailAuthentication(string version)
    {
        PythonInterpreter python = Interpreter(version);
        using var listener = Listen();
        using PythonScript script = PythonScript.Start(python, ClientScript, Port(listener), Convert.ToHexString("wrong"u8));
        using Socket socket = Accept(listener, script);

        Assert.Throws<AuthenticationException>(() => PythonHandshakeRunner.Run(socket, new PythonServerHandshake(s_key, false), s_timeout, quickAck: true));
        Assert.Equal("auth-error digest sent was rejected", await script.ReadLineAsync(s_timeout));
        Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CSharpServer_RequireSha256_RefusesOnlyClientsOlderThan312(string version)
    {
        PythonInterpreter python = Interpreter(version);
        using var listener = Listen();
        using PythonScript script = PythonScript.Start(python, ClientScript, Port(listener), Convert.ToHexString(s_key));
        using Socket socket = Accept(listener, script);
        var server = new PythonServerHandshake(s_key, requireSha256: true);

        if (python.IsLegacy)
        {
            Assert.Throws<AuthenticationException>(() => PythonHandshakeRunner.Run(socket, server, s_timeout, quickAck: true));
            Assert.Equal("auth-error digest sent was rejected", await script.ReadLineAsync(s_timeout));
        }
        else
        {
            PythonHandshakeRunner.Run(socket, server, s_timeout, quickAck: true);
            Echo(socket);
            Assert.Equal("echo ping", await script.ReadLineAsync(s_timeout));
        }

        Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task StockListener_CSharpClient_HandshakesAndEchoes(string version)
    {
        PythonInterpreter python = Interpreter(version);
        using PythonScript script = PythonScript.Start(python, ListenerScript, Convert.ToHexString(s_key));
        using Socket socket = await ConnectAsync(script);
        var client = new PythonClientHandshake(s_key, requireSha256: false);

        PythonHandshakeRunner.Run(socket, client, s_timeout, quickAck: false);
        PythonFrameWriter.Write(socket, "pong"u8);
        socket.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;

        Assert.Equal("pong"u8.ToArray(), new PythonFrameReader(socket, 1024, quickAck: false).Read());
        Assert.Equal("done", await script.ReadLineAsync(s_timeout));
        Assert.Equal(python.IsLegacy, client.ServerChallengeIsLegacy);
        Assert.Equal(python.IsLegacy ? "md5" : "sha256", client.ServerDigest);
        Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task StockListener_CSharpClientWithTheWrongKey_AuthenticationException(string version)
    {
        PythonInterpreter python = Interpreter(version);
        using PythonScript script = PythonScript.Start(python, ListenerScript, Convert.ToHexString(s_key));
        using Socket socket = await ConnectAsync(script);

        Assert.Throws<AuthenticationException>(() => PythonHandshakeRunner.Run(socket, new PythonClientHandshake("wrong"u8.ToArray(), false), s_timeout, quickAck: false));
        Assert.StartsWith("auth-error", await script.ReadLineAsync(s_timeout), StringComparison.Ordinal);
        Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
    }

    private PythonInterpreter Interpreter(string version)
    {
        PythonInterpreter python = PythonInterpreters.Get(version);
        output.WriteLine($"interpreter: {python}");
        return python;
    }

    private static async Task<(PythonServerHandshake Server, string Line)> ServeOneClientAsync(PythonInterpreter python, byte[] key, bool requireSha256, bool echo)
    {
        using var listener = Listen();
        using PythonScript script = PythonScript.Start(python, ClientScript, Port(listener), Convert.ToHexString(key));
        using Socket socket = Accept(listener, script);
        var server = new PythonServerHandshake(s_key, requireSha256);
        PythonHandshakeRunner.Run(socket, server, s_timeout, quickAck: true);
        if (echo)
        {
            Echo(socket);
        }

        string line = await script.ReadLineAsync(s_timeout);
        Assert.Equal(0, await script.WaitForExitAsync(s_timeout));
        return (server, line);
    }

    private static void Echo(Socket socket)
    {
        socket.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
        byte[] request = new PythonFrameReader(socket, 1024, quickAck: true).Read() ?? throw new EndOfStreamException();
        PythonFrameWriter.Write(socket, request);
    }

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return listener;
    }

    private static string Port(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Socket Accept(Socket listener, PythonScript script)
    {
        if (!listener.Poll(s_timeout, SelectMode.SelectRead))
        {
            throw new TimeoutException($"The Python client did not connect within {s_timeout}. stderr: {script.StandardError}");
        }

        Socket socket = listener.Accept();
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.NoDelay = true;
        }

        return socket;
    }

    private static async Task<Socket> ConnectAsync(PythonScript script)
    {
        string line = await script.ReadLineAsync(s_timeout);
        Assert.StartsWith("port ", line, StringComparison.Ordinal);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.SendTimeout = socket.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
        socket.Connect(new IPEndPoint(IPAddress.Loopback, int.Parse(line["port ".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        return socket;
    }
}
