using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Tests.Infrastructure;

/// <summary>Sends POSIX signals to processes (SIGSTOP and SIGCONT freeze and thaw a process without closing its sockets).</summary>
internal static class Signals
{
    public static void Stop(int pid) => Send(pid, "STOP");

    public static void Continue(int pid) => Send(pid, "CONT");

    /// <summary>Asks a process to stop, as a service manager or <c>kill</c> does (SIGTERM).</summary>
    public static void Terminate(int pid) => Send(pid, "TERM");

    /// <summary>Interrupts a process, as Ctrl+C does (SIGINT).</summary>
    public static void Interrupt(int pid) => Send(pid, "INT");

    private static void Send(int pid, string signal)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-" + signal);
        info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using Process kill = Process.Start(info)!;
        Assert.True(kill.WaitForExit(10_000), "kill did not finish");
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed: {kill.StandardError.ReadToEnd()}");
    }
}
