using Microsoft.Extensions.Logging;

namespace Multiproc.Server;

/// <summary>Disposes an object that left the table; failures are logged, never thrown into the server.</summary>
/// <remarks>Runs on a server thread (a user's Dispose is expected to be short; one that blocks makes the scheduler add a thread).</remarks>
internal sealed partial class DisposalWork : ServerWork
{
    private readonly object _instance;
    private readonly ILogger _logger;
    private readonly Action? _done;
    private readonly ObjectGate? _gate;

    public DisposalWork(object instance, ILogger logger, Action? done, ObjectGate? gate)
    {
        _instance = instance;
        _logger = logger;
        _done = done;
        _gate = gate;
    }

    public override void Execute()
    {
        try
        {
            if (_instance is IAsyncDisposable asyncDisposable)
            {
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            else if (_instance is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
#pragma warning disable CA1031 // A user's Dispose must not take the server down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDisposeFailed(_logger, ex, _instance.GetType().FullName);
        }
        finally
        {
            // Calls that raced the last release still queued behind us run (and fail) instead of hanging.
            _gate?.Exit();
            _done?.Invoke();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disposing a released {Type} failed.")]
    private static partial void LogDisposeFailed(ILogger logger, Exception exception, string? type);
}
