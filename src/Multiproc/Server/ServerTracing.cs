using System.Diagnostics;
using System.Runtime.CompilerServices;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>
/// The server span of each call a manager runs (<see cref="ActivityKind.Server"/>, docs/tracing.md):
/// named <c>{type id}/{method}</c> and tagged by OpenTelemetry's RPC conventions, a child of the
/// caller's span when the call was a <see cref="MessageKind.TracedCall"/>.
/// </summary>
/// <remarks>
/// Started at admission (after binding, so the name is the bound member's) only while a listener is
/// attached, and current while the call's method runs, so the spans user code starts nest under it.
/// A call refused before it was bound (an unknown object or member, the pending-call limit) has no span.
/// </remarks>
internal static class ServerTracing
{
    /// <summary>Starts the span of a call, without making it current on the admitting thread.</summary>
    /// <param name="service">The object's type id (<c>rpc.service</c>).</param>
    /// <param name="method">The member (<c>rpc.method</c>).</param>
    /// <param name="parent">The caller's context; null, or one that does not parse, makes a root span.</param>
    /// <returns>The span, or null when no listener samples it.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Activity? Start(string service, string method, TraceContext? parent)
    {
        ActivityContext context = default;
        if (parent is { } received)
        {
            _ = CallTracing.TryParse(received, out context);
        }

        Activity? previous = Activity.Current;
        Activity? span = CallTracing.Source.StartActivity(
            ActivityKind.Server,
            context,
            [
                new("rpc.system", CallTracing.SystemName),
                new("rpc.service", service),
                new("rpc.method", method),
            ],
            name: $"{service}/{method}");

        // Admission runs on a connection's reader thread: the span is current where the call runs, not here.
        Activity.Current = previous;
        return span;
    }

    /// <summary>Makes <paramref name="span"/> current on this thread; returns what was current.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Activity? Enter(Activity span)
    {
        Activity? previous = Activity.Current;
        Activity.Current = span;
        return previous;
    }

    /// <summary>Restores what <see cref="Enter"/> returned.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Leave(Activity? previous) => Activity.Current = previous;

    /// <summary>Ends a call's span; a failed call's span gets status Error and <c>error.type</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void End(Activity span, Exception? error)
    {
        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error.Message);
            span.SetTag("error.type", error.GetType().FullName);
        }

        span.Stop();
    }
}
