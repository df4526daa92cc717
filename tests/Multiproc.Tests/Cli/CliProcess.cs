using System.Diagnostics;
using Multiproc.Tests.Architecture;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Cli;

/// <summary>The <c>multiproc</c> tool run as a real process from its build output (killed on dispose).</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(_lines, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_errors, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets the tool's build output (the same configuration as the tests').</summary>
    public static string ToolPath { get; } = Path.Combine(RepositoryPaths.Root, "src", "Multiproc.Cli", "bin",
#if DEBUG
        "Debug",
#else
        "Release",
#endif
        "net10.0", "Multiproc.Cli.dll");

    public int Id => _process.Id;

    public string StandardOutput
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_errors)
            {
                return string.Join('\n', _errors);
            }
        }
    }

    public static CliProcess Start(params string[] arguments) => Start(ignoredSignal: null, arguments);

    /// <summary>Starts the tool with <paramref name="ignoredSignal"/> (INT, TERM) ignored, as a non-interactive shell starts a background job (SIGINT).</summary>
    public static CliProcess StartIgnoring(string ignoredSignal, params string[] arguments) => Start(ignoredSignal, arguments);

    private static CliProcess Start(string? ignoredSignal, string[] arguments)
    {
        var info = new ProcessStartInfo(ignoredSignal is null ? "dotnet" : "/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (ignoredSignal is not null)
        {
            // The shell ignores the signal and execs the tool in its place (same pid), which inherits the ignore.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"trap '' {ignoredSignal}; exec dotnet \"$@\"");
            info.ArgumentList.Add("sh");
        }

        info.ArgumentList.Add(ToolPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Runs the tool to its end and returns its exit code.</summary>
    public static async Task<(int ExitCode, CliProcess Process)> RunAsync(params string[] arguments)
    {
        CliProcess process = Start(arguments);
        int code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process);
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> ReadValueAsync(string prefix)
    {
        string? found = null;
        await TestTimeout.UntilAsync(
            () => Task.FromResult((found = Find(prefix)) is not null || _process.HasExited),
            seconds: 60,
            because: $"the tool printed no '{prefix}' line");
        return found ?? throw new InvalidOperationException($"The tool exited ({_process.ExitCode}) without a '{prefix}' line: {StandardError}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private string? Find(string prefix)
    {
        lock (_lines)
        {
            return _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
        }
    }
}
