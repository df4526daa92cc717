using Multiproc;
using Multiproc.Tests.Shared;

/// <summary>
/// Turns a child <c>dotnet exec</c> of this test assembly into a process that creates a
/// shared memory block, never disposes it, and exits normally.
/// </summary>
/// <remarks>
/// The runtime calls <see cref="Initialize"/> before Main for assemblies listed in
/// <c>DOTNET_STARTUP_HOOKS</c>; the hook type must be named <c>StartupHook</c> and live in
/// no namespace. The test SDK's generated Main is empty, so the child exits right after the
/// hook. Outside such a child the environment variable is absent and the hook does nothing.
/// </remarks>



#pragma warning disable CA1050 // The runtime only looks for a StartupHook type outside any namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    private const string NameVariable = "MULTIPROC_TEST_OWNER_SHM_NAME";

    private static SharedMemory? s_abandoned;

    /// <summary>Creates the block named by the environment, if any, and deliberately abandons it.</summary>
    public static void Initialize()
    {
        string? name = Environment.GetEnvironmentVariable(NameVariable);
        if (name is null)
        {
            return;
        }

        s_abandoned = SharedMemory.Create(4096, name);
        s_abandoned.Span.Fill(1);
        if (File.Exists(s_abandoned.FilePath))
        {
            Console.WriteLine("created " + s_abandoned.FilePath);
        }
    }

    /// <summary>Runs a child that creates <paramref name="name"/> and exits without disposing it.</summary>
    public static Task<ChildProcessResult> RunOwnerProcessAsync(string name)
    {
        string assembly = typeof(StartupHook).Assembly.Location;
        string baseName = Path.Combine(Path.GetDirectoryName(assembly)!, Path.GetFileNameWithoutExtension(assembly));
        string[] arguments =
        [
            "exec",
            "--runtimeconfig", baseName + ".runtimeconfig.json",
            "--depsfile", baseName + ".deps.json",
            assembly,
        ];
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_STARTUP_HOOKS"] = assembly,
            [NameVariable] = name,
        };
        return ChildProcessRunner.RunAsync(DotnetHost(), arguments, environment);
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host))
        {
            return host;
        }

        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
