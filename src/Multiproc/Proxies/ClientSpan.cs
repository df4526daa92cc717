using System.Diagnostics;
using System.Runtime.CompilerServices;
using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>The client span of one call (<see cref="ActivityKind.Client"/>), named and tagged by OpenTelemetry's RPC conventions.</summary>
/// <remarks>
/// Only reached when a listener is attached (<see cref="TracedCalls"/>); never inlined, so a call path
/// that does not trace never resolves a type of System.Diagnostics.DiagnosticSource. The span's parent
/// is the current activity, or, in a worker with none, the context its parent process handed on.
/// </remarks>
internal static class ClientSpan
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Reply Call(ICallChannel channel, string service, long objectId, string member, in CallArguments arguments, bool settled, CancellationToken cancellationToken)
    {
        using Activity? span = Start(service, member);
        try
        {
            return Ended(span, settled
                ? channel.CallUntilSettled(objectId, member, arguments, cancellationToken)
                : channel.Call(objectId, member, arguments, cancellationToken));
        }
        catch (Exception ex) when (Fail(span, ex))
        {
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async ValueTask<Reply> CallAsync(ICallChannel channel, string service, long objectId, string member, CallArguments arguments, bool settled, CancellationToken cancellationToken)
    {
        // Current for the rest of this method only: the call is sent (and its context read) before the first await.
        using Activity? span = Start(service, member);
        try
        {
            return Ended(span, settled
                ? await channel.CallUntilSettledAsync(objectId, member, arguments, cancellationToken).ConfigureAwait(false)
                : await channel.CallAsync(objectId, member, arguments, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (Fail(span, ex))
        {
            throw;
        }
    }

    /// <summary>Returns the member's method name: a typed proxy's key <c>Name(Type1,Type2)</c> without its parameter list.</summary>
    public static string MethodName(string member)
    {
        int parameters = member.IndexOf('(', StringComparison.Ordinal);
        return parameters < 0 ? member : member[..parameters];
    }

    private static Activity? Start(string service, string member)
    {
        string method = MethodName(member);
        ActivityContext parent = default;
        if (Activity.Current is null && CallTracing.Inherited is { } inherited)
        {
            _ = CallTracing.TryParse(inherited, out parent);
        }

        return CallTracing.Source.StartActivity(
            ActivityKind.Client,
            parent,
            [
                new("rpc.system", CallTracing.SystemName),
                new("rpc.service", service),
                new("rpc.method", method),
            ],
            name: $"{service}/{method}");
    }

    // A remote error arrives as a reply, thrown only when the caller decodes it: the span records it now.
    private static Reply Ended(Activity? span, Reply reply)
    {
        if (span is not null && reply.TryPeekError(out string? typeName, out string? message))
        {
            SetError(span, typeName, message);
        }

        return reply;
    }

    // An exception filter, so the span records the failure without catching (the stack stays the thrower's).
    private static bool Fail(Activity? span, Exception error)
    {
        if (span is not null)
        {
            SetError(span, error is RemoteException remote ? remote.RemoteTypeName : error.GetType().FullName, error.Message);
        }

        return false;
    }

    private static void SetError(Activity span, string? typeName, string? message)
    {
        span.SetStatus(ActivityStatusCode.Error, message);
        span.SetTag("error.type", typeName);
    }
}
