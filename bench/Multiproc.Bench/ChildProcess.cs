using System.Diagnostics;

namespace Multiproc.Bench;

/// <summary>This benchmark's own executable started in another role; killed on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public static ChildProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>Gets the child's process id.</summary>
    public int Id => _process.Id;

    public string ReadLine() => _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The child exited early.");

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
