using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>
/// One call accepted by a session: runs inline on a connection's reader thread, on a server thread or
/// on the thread pool (behind the object's gate, see <see cref="ServerWork"/>) and sends the result or
/// the error through its session.
/// </summary>
internal abstract class ServerCall : ServerWork
{
    private static readonly object s_started = new();

    [ThreadStatic]
    private static ServerCall? s_starting;

    private readonly CancellationTokenSource? _cancellation;

    // When the call was admitted: its duration goes to the host's latency histogram, and to the meter while a listener times calls.
    private readonly long _admitted = System.Diagnostics.Stopwatch.GetTimestamp();

    // Null while starting; a resumption that arrived meanwhile; s_started once started.
    private object? _deferredResume;

    // The call's server span, while a listener traces calls (docs/tracing.md).
    private System.Diagnostics.Activity? _span;

    protected ServerCall(ServerSession session, uint callId, ObjectGate? gate, bool cancellable)
    {
        Session = session;
        CallId = callId;
        Gate = gate;
        _cancellation = cancellable ? CancellationTokenSource.CreateLinkedTokenSource(session.Closing) : null;
    }

    public ServerSession Session { get; }

    public uint CallId { get; }

    public ObjectGate? Gate { get; }

    /// <summary>Gets what the call's metrics name as <c>rpc.service</c>: the object's type id.</summary>
    public abstract string Service { get; }

    /// <summary>Gets what the call's metrics name as <c>rpc.method</c>: the member.</summary>
    public abstract string Method { get; }

    /// <summary>Gets the counter of the member called (inspection).</summary>
    protected abstract MemberCounter Counter { get; }

    /// <summary>Gets a token cancelled by the client's Cancel message or the session closing (none unless cancellable).</summary>
    protected CancellationToken CancellationToken => _cancellation?.Token ?? default;

    /// <summary>Gets whether the call has a token a Cancel message can cancel.</summary>
    public bool IsCancellable => _cancellation is not null;

    /// <summary>Gets whether the call may run on the connection's reader thread (it is known to be short).</summary>
    public virtual bool RunsInline => false;

    /// <summary>Stops running this call's method inline from now on (it stalled a reader thread).</summary>
    public virtual void MarkSlow()
    {
    }

    public void Cancel()
    {
        try
        {
            _cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished first.
        }
    }

    /// <summary>Gets the call whose synchronous start is running on this thread, if any.</summary>
    public static ServerCall? Starting => s_starting;

    /// <summary>Starts the call's server span, a child of <paramref name="parent"/> when the caller sent one.</summary>
    /// <remarks>Only while a listener is attached; the span is current while the call runs and ends with its reply.</remarks>
    public void StartSpan(TraceContext? parent) => _span = ServerTracing.Start(Service, Method, parent);

    public override void Execute()
    {
        ServerCall? outer = s_starting;
        s_starting = this;
        // The span is current as the method starts, so its awaits (and spans user code starts) carry it.
        System.Diagnostics.Activity? outerSpan = _span is null ? null : ServerTracing.Enter(_span);
        try
        {
            _ = RunAsync();
        }
        finally
        {
            s_starting = outer;
            if (_span is not null)
            {
                ServerTracing.Leave(outerSpan);
            }
        }

        // Every await of the chain is registered now; a resumption that came earlier may run.
        if (Interlocked.Exchange(ref _deferredResume, s_started) is Action resume)
        {
            ServerScheduler.Shared.Queue(static r => r(), resume);
        }
    }

    /// <summary>
    /// Keeps <paramref name="resume"/> until this call's start has returned; false when it already has.
    /// </summary>
    /// <remarks>
    /// A wait granted while its call is still unwinding would complete an inner task before the
    /// outer awaits have registered on it, and .NET hands such a late registration to the thread
    /// pool: with every pool thread blocked by callers, the reply would never be sent.
    /// </remarks>
    public bool TryDeferResume(Action resume) => Interlocked.CompareExchange(ref _deferredResume, resume, null) is null;

    /// <summary>Runs the call; returns the result and the writer for it (null writer: no value).</summary>
    protected abstract ValueTask<(object? Result, ValueWriter? Writer)> InvokeAsync();

    private async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            (object? result, ValueWriter? writer) = await InvokeAsync().ConfigureAwait(false);
            if (result is ILeasedResult leased)
            {
                // A lease given back later goes back behind the object's gate, in order with its calls.
                if (Gate is not null)
                {
                    leased.Lease?.ReturnBehind(Gate);
                }

                Session.SendResult(CallId, leased.Value, writer, leased.Lease);
            }
            else
            {
                Session.SendResult(CallId, result, writer, lease: null);
            }
        }
#pragma warning disable CA1031 // Every failure of user code goes back to its caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
            Session.SendError(CallId, ex);
        }
        finally
        {
            ServerMetrics.EndCall(_admitted, Service, Method, failure);
            Session.Host.Latency.Record(_admitted);
            Counter.Count(failed: failure is not null);
            Gate?.Exit();
            Session.CallFinished(this);
            _cancellation?.Dispose();

            // Last: a listener that throws when the span stops must not leave the gate held or the call counted.
            if (_span is not null)
            {
                ServerTracing.End(_span, failure);
            }
        }
    }
}
