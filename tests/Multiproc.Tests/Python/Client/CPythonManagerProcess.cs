namespace Multiproc.Tests.Python.Client;

/// <summary>A real CPython <c>SyncManager</c> server (<c>cpython_manager.py</c>) in a child process, killed on dispose.</summary>
internal sealed class CPythonManagerProcess : IDisposable
{
    private static readonly string s_script = Path.Combine(AppContext.BaseDirectory, "Python", "Client", "cpython_manager.py");

    private readonly PythonScript _script;
    private int _disposed;

    private CPythonManagerProcess(PythonScript script, string address, PythonInterpreter interpreter)
    {
        _script = script;
        Address = address;
        Interpreter = interpreter;
    }

    /// <summary>Gets the key every test server uses.</summary>
    public static byte[] Key { get; } = [.. "python client key"u8];

    /// <summary>Gets the address to connect to (<c>tcp://127.0.0.1:PORT</c> or <c>unix:/path</c>).</summary>
    public string Address { get; }

    /// <summary>Gets the interpreter serving.</summary>
    public PythonInterpreter Interpreter { get; }

    /// <summary>Starts a server under CPython <paramref name="version"/> and waits for its address.</summary>
    public static async Task<CPythonManagerProcess> StartAsync(string version, string where = "tcp")
    {
        PythonInterpreter interpreter = PythonInterpreters.Get(version);
        PythonScript script = PythonScript.Start(interpreter, File.ReadAllText(s_script), Convert.ToHexString(Key), where);
        try
        {
            string address = await script.ReadLineAsync(TimeSpan.FromSeconds(30));
            return new CPythonManagerProcess(script, address, interpreter);
        }
        catch
        {
            script.Dispose();
            throw;
        }
    }

    /// <summary>Connects a C# client.</summary>
    public Task<PythonManager> ConnectAsync() => PythonManager.ConnectAsync(Address, Key).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Kills the server (its whole tree) and waits until it has gone; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _script.Dispose();
        }
    }
}
