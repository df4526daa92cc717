using Multiproc.Tests.Python;

namespace Multiproc.Tests.Python.Server;

/// <summary>A registered C# class as stock Python clients see it (members under snake_case names).</summary>
public interface IStaffer
{
    string Name { get; }

    decimal Salary { get; set; }

    decimal Raise(decimal amount);

    /// <summary>An async member with a token: Python calls it as <c>raise_later_async(amount)</c>.</summary>
    Task<decimal> RaiseLaterAsync(decimal amount, CancellationToken cancellationToken = default);

    string Find(string name);
}

public sealed class Staffer(string name, decimal salary) : IStaffer
{
    public string Name => name;

    public decimal Salary { get; set; } = salary;

    public decimal Raise(decimal amount) => Salary += amount;

    public async Task<decimal> RaiseLaterAsync(decimal amount, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return Salary += amount;
    }

    public string Find(string name) => throw new KeyNotFoundException($"No staffer named {name}.");
}

/// <summary>
/// Stock CPython clients (3.11 with the legacy handshake, 3.13 with {sha256}) against a Multiproc manager's
/// Python listener: every typeid with Python's semantics, registered C# classes, published names, references.
/// </summary>
[Trait("Kind", "Process")]
public sealed class StockClientTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task StockClient_OverTcp_EveryScenarioPasses_AndDotNetSeesItsChanges(string version)
    {
        await using Manager manager = await StartAsync("tcp://127.0.0.1:0");
        ISharedList<string> staff = await manager.CreateListAsync<string>(["from C#"]);
        ISharedQueue<(int, string)> jobs = await manager.CreateQueueAsync<(int, string)>();
        await manager.PublishAsync("staff", staff);
        await manager.PublishAsync("jobs", jobs);

        string[] results = await RunAsync(version, Address(manager.PythonAddress!), manager.AuthKey, "all");

        AssertAllPassed(results);
        Assert.Equal(15, results.Length);
        Assert.Equal(["from C#", "from Python"], await staff.ToArrayAsync());
        (bool taken, (int, string) job) = await jobs.TryTakeAsync(TimeSpan.FromSeconds(5));
        Assert.True(taken);
        Assert.Equal((7, "job"), job);
    }

    [Fact]
    public async Task StockClient_OverUnixSocket_Works()
    {
        string directory = Directory.CreateTempSubdirectory("mp-py-").FullName;
        try
        {
            await using Manager manager = await StartAsync("unix:" + Path.Combine(directory, "python.sock"));
            Assert.Equal("unix:" + Path.Combine(directory, "python.sock"), manager.PythonAddress);
            string[] results = await RunAsync(PythonInterpreters.Found[0].Version, Path.Combine(directory, "python.sock"), manager.AuthKey, "list", "dict", "queue");
            AssertAllPassed(results);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StockClient_ChildProcessManager_ServesPython_AndStopsWhenAllowedToShutDown()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions
        {
            Hosting = ManagerHosting.ChildProcess,
            PythonClientsMayShutDown = true,
        }.ServePython("tcp://127.0.0.1:0"));
        Assert.Matches(@"^tcp://127\.0\.0\.1:[1-9][0-9]*$", manager.PythonAddress);
        using var child = System.Diagnostics.Process.GetProcessById(manager.ServerProcessId);

        string[] results = await RunAsync(PythonInterpreters.Found[^1].Version, Address(manager.PythonAddress!), manager.AuthKey, "list", "queue", "shutdown");

        AssertAllPassed(results);
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await child.WaitForExitAsync(exited.Token);
    }

    [Fact]
    public async Task Shutdown_ByDefault_IsRefused_AndTheManagerServesOn()
    {
        await using Manager manager = await StartAsync("tcp://127.0.0.1:0");

        string[] results = await RunAsync(PythonInterpreters.Found[0].Version, Address(manager.PythonAddress!), manager.AuthKey, "shutdown", "list");

        Assert.StartsWith("fail shutdown:", results[0], StringComparison.Ordinal);
        Assert.Contains("RemoteError", results[0], StringComparison.Ordinal);
        Assert.Equal("ok list", results[1]);
    }

    private static void AssertAllPassed(string[] results)
    {
        string[] failures = [.. results.Where(line => !line.StartsWith("ok ", StringComparison.Ordinal))];
        Assert.True(failures.Length == 0, string.Join("\n", failures).Replace(" | ", "\n", StringComparison.Ordinal));
    }

    private static Task<Manager> StartAsync(string pythonAddress)
        => Manager.StartAsync(new ManagerOptions().Register<IStaffer, Staffer>("Staffer").ServePython(pythonAddress));

    private static string Address(string pythonAddress) => pythonAddress["tcp://".Length..];

    private static async Task<string[]> RunAsync(string version, string address, ReadOnlyMemory<byte> key, params string[] scenarios)
    {
        string script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Python", "Server", "stock_client.py"));
        using var python = PythonScript.Start(PythonInterpreters.Get(version), script, [address, Convert.ToHexString(key.Span), .. scenarios]);
        var results = new List<string>();
        while (await python.ReadLineAsync(s_timeout) is var line && line != "done")
        {
            results.Add(line);
        }

        return [.. results];
    }
}
