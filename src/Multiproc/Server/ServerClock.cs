namespace Multiproc.Server;

/// <summary>
/// The system clock whose timers fire on the manager's timer thread instead of the thread pool:
/// what a server uses when its configured <see cref="ManagerSettings.TimeProvider"/> is <see cref="TimeProvider.System"/>.
/// </summary>
/// <remarks>
/// Time itself (<see cref="TimeProvider.GetUtcNow"/>, <see cref="TimeProvider.GetTimestamp"/>) is the
/// system's, unchanged. Any other configured provider (a test's fake) is used as it is, so
/// <see cref="ManagerSettings.TimeProvider"/> stays the source of truth for time.
/// </remarks>
internal sealed class ServerClock : TimeProvider
{
    private static readonly ServerClock s_system = new();

    private ServerClock()
    {
    }

    /// <summary>Returns the clock a server built on <paramref name="configured"/> times its waits and grace periods with.</summary>
    public static TimeProvider For(TimeProvider configured) => ReferenceEquals(configured, TimeProvider.System) ? s_system : configured;

    /// <summary>Creates a timer whose callback runs on a server thread (see <see cref="ServerTimers"/>).</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ServerTimer timer = ServerTimers.Create(callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}
