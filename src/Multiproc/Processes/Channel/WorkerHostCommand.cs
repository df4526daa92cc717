using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Multiproc.Processes.Channel;

/// <summary>
/// How to start a worker: <c>dotnet exec --runtimeconfig R --depsfile D Multiproc.dll</c>, with
/// the runtimeconfig and deps file of the running application (the Tmds.ExecFunction technique).
/// </summary>
/// <remarks>
/// Using the application's files gives the worker the same frameworks and the same assemblies,
/// so it can load the target's assembly by name. Under <c>dotnet test</c> the entry assembly is
/// testhost.dll, which is started with the test assembly's files; those are read from the
/// command line (<c>/proc/self/cmdline</c>) or from the host's <c>APP_CONTEXT_DEPS_FILES</c>.
/// A worker inherits its parent's command through its bootstrap, so nested workers use the same one.
/// Self-contained and single-file applications are not supported (there is no <c>dotnet</c> host or no Multiproc.dll file).
/// </remarks>
internal sealed record WorkerHostCommand(string HostPath, string? RuntimeConfigPath, string? DepsPath, string EntryAssemblyPath)
{
    private static WorkerHostCommand? s_current;

    /// <summary>Gets the command for this process's workers, discovering it on first use.</summary>
    /// <exception cref="PlatformNotSupportedException">No <c>dotnet</c> host or no Multiproc.dll file exists.</exception>
    public static WorkerHostCommand Current => s_current ??= Discover();

    /// <summary>Uses the command a worker inherited from its parent.</summary>
    public static void Inherit(WorkerHostCommand command) => s_current = command;

    /// <summary>Creates the start info: stdin redirected (bootstrap and liveness), stdout and stderr inherited.</summary>
    /// <param name="longLived">
    /// For pool workers: tier up JIT-compiled code sooner (no instrumented tier, no call-counting
    /// delay), trading a little start-up JIT work for reaching steady-state speed within the first
    /// tasks rather than after seconds. Settings the user set in the environment are kept.
    /// </param>
    public ProcessStartInfo CreateStartInfo(bool longLived)
    {
        var info = new ProcessStartInfo(HostPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        info.ArgumentList.Add("exec");
        if (RuntimeConfigPath is not null)
        {
            info.ArgumentList.Add("--runtimeconfig");
            info.ArgumentList.Add(RuntimeConfigPath);
        }

        if (DepsPath is not null)
        {
            info.ArgumentList.Add("--depsfile");
            info.ArgumentList.Add(DepsPath);
        }

        info.ArgumentList.Add(EntryAssemblyPath);
        if (longLived)
        {
            info.Environment.TryAdd("DOTNET_TieredPGO", "0");
            info.Environment.TryAdd("DOTNET_TC_CallCountingDelayMs", "0");
        }

        return info;
    }

    /// <summary>Writes the command: host, runtimeconfig, deps, entry (the middle two optional).</summary>
    public void Write(BinaryFieldWriter writer)
    {
        writer.Write(HostPath);
        writer.WriteOptional(RuntimeConfigPath);
        writer.WriteOptional(DepsPath);
        writer.Write(EntryAssemblyPath);
    }

    /// <summary>Reads a command written by <see cref="Write"/>.</summary>
    public static WorkerHostCommand Read(ref BinaryFieldReader reader)
        => new(reader.ReadString(), reader.ReadOptionalString(), reader.ReadOptionalString(), reader.ReadString());

    private static WorkerHostCommand Discover()
    {
        string entry = typeof(WorkerHostCommand).Assembly.Location;
        if (entry.Length == 0)
        {
            throw new PlatformNotSupportedException("Worker processes need Multiproc.dll as a file; single-file applications are not supported.");
        }

        string[] hostArguments = ReadHostArguments();
        string? depsPath = ArgumentAfter(hostArguments, "--depsfile") ?? FirstAppDepsFile();
        string? runtimeConfigPath = ArgumentAfter(hostArguments, "--runtimeconfig")
            ?? ExistingOrNull(depsPath is null ? null : depsPath[..^".deps.json".Length] + ".runtimeconfig.json")
            ?? ExistingOrNull(Path.ChangeExtension(Environment.GetCommandLineArgs()[0], ".runtimeconfig.json"));
        return new WorkerHostCommand(FindHost(), runtimeConfigPath, depsPath, entry);
    }

    private static string FindHost()
    {
        string hostName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileName(processPath).Equals(hostName, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        // An apphost-launched application: find the muxer of the runtime we run on (<root>/shared/Microsoft.NETCore.App/<version>/).
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string candidate = Path.Combine(root, hostName);
        return File.Exists(candidate)
            ? candidate
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } hostPath && File.Exists(hostPath)
                ? hostPath
                : throw new PlatformNotSupportedException("Worker processes need the 'dotnet' host; self-contained applications are not supported.");
    }

    // Environment.GetCommandLineArgs omits the host's own options such as --runtimeconfig.
    private static string[] ReadHostArguments()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/cmdline").Split('\0') : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static string? ArgumentAfter(string[] arguments, string name)
    {
        int index = Array.IndexOf(arguments, name);
        return index >= 0 && index + 1 < arguments.Length ? Path.GetFullPath(arguments[index + 1]) : null;
    }

    // The host lists the application's deps file first, then the frameworks', separated by ';' on every OS.
    private static string? FirstAppDepsFile()
        => (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(path => path.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase));

    private static string? ExistingOrNull(string? path) => path is not null && File.Exists(path) ? path : null;
}
