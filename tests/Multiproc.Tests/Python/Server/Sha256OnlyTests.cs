namespace Multiproc.Tests.Python.Server;

/// <summary><c>ManagerOptions.PythonRequiresSha256</c>: CPython 3.8–3.11 clients (HMAC-MD5) are refused, 3.12+ clients get in.</summary>
[Trait("Kind", "Process")]
public sealed class Sha256OnlyTests
{
    private const string Connect = """
        import sys
        from multiprocessing.managers import SyncManager
        from multiprocessing import AuthenticationError
        host, port = sys.argv[1].rsplit(':', 1)
        m = SyncManager(address=(host, int(port)), authkey=bytes.fromhex(sys.argv[2]))
        try:
            m.connect()
            print('connected', m.list([1])[0])
        except AuthenticationError as e:
            print('refused', type(e).__name__)
        """;

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequireSha256_RefusesLegacyClients_AdmitsModernOnes(string version)
    {
        PythonInterpreter interpreter = PythonInterpreters.Get(version);
        await using Manager manager = await Manager.StartAsync(new ManagerOptions { PythonRequiresSha256 = true }.ServePython("tcp://127.0.0.1:0"));
        using var python = PythonScript.Start(interpreter, Connect, manager.PythonAddress!["tcp://".Length..], Convert.ToHexString(manager.AuthKey.Span));

        string line = await python.ReadLineAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(interpreter.IsLegacy ? "refused AuthenticationError" : "connected 1", line);
    }

    [Fact]
    public async Task ByDefault_LegacyClientsGetIn()
    {
        PythonInterpreter oldest = PythonInterpreters.Found[0];
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().ServePython("tcp://127.0.0.1:0"));
        using var python = PythonScript.Start(oldest, Connect, manager.PythonAddress!["tcp://".Length..], Convert.ToHexString(manager.AuthKey.Span));

        Assert.Equal("connected 1", await python.ReadLineAsync(TimeSpan.FromSeconds(30)));
    }
}
