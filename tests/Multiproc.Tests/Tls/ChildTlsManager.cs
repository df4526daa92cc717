using System.Diagnostics;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Tls;

/// <summary>
/// A <c>tls://</c> manager in a child process, to be frozen (SIGSTOP) or killed (SIGKILL) by a test;
/// disposing resumes and kills it, so no process outlives the test.
/// </summary>
internal sealed class ChildTlsManager : IAsyncDisposable
{
    private bool _frozen;

    private ChildTlsManager(Manager owner) => Owner = owner;

    /// <summary>Gets the owning manager (its address is pinned to the manager's certificate).</summary>
    public Manager Owner { get; }

    /// <summary>Starts the manager of <paramref name="options"/> (a <c>tls://</c> address) in a child process.</summary>
    public static async Task<ChildTlsManager> StartAsync(ManagerOptions options)
    {
        options.Hosting = ManagerHosting.ChildProcess;
        return new ChildTlsManager(await Manager.StartAsync(options, TestTimeout.Token(60)));
    }

    /// <summary>Stops the manager process (SIGSTOP): it neither reads nor answers, and keeps its sockets open.</summary>
    public void Freeze()
    {
        Signals.Stop(Owner.ServerProcessId);
        _frozen = true;
    }

    /// <summary>Kills the manager process (SIGKILL).</summary>
    public void Kill()
    {
        using Process process = Process.GetProcessById(Owner.ServerProcessId);
        process.Kill();
        Assert.True(process.WaitForExit(10_000), "the manager process did not die");
    }

    public async ValueTask DisposeAsync()
    {
        int pid = Owner.ServerProcessId;
        if (_frozen)
        {
            Signals.Continue(pid);
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        await Owner.DisposeAsync();
    }
}
