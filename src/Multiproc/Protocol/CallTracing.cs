using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Multiproc.Protocol;

/// <summary>
/// The <c>Multiproc</c> activity source, and when a call carries a W3C trace context (docs/tracing.md).
/// </summary>
/// <remarks>
/// <para>A call carries a context when this process has a listener on the source or inherited a
/// context (a worker whose bootstrap or pool task carried one), and there is a context to send: the
/// current activity (the client span, or the caller's), or a new child of the inherited context.
/// Otherwise calls are plain <see cref="MessageKind.Call"/> frames, byte for byte as before tracing.</para>
/// <para>A worker started without a context is <see cref="Suspend">suspended</see>: its calls test one
/// static flag and never load System.Diagnostics.DiagnosticSource (a worker's start-up, issue 8), until
/// a pool task brings a context or the worker's own code loads that assembly (a listener needs it).</para>
/// <para>Every member touching the source or <see cref="Activity"/> sits behind <see cref="IsListened"/>,
/// <see cref="MayCarry"/> or <see cref="IsActive"/> and is never inlined into a caller, so the JIT of a
/// call path resolves none of DiagnosticSource's types. A call with no listener checks for one once
/// (the client span's check); the channel's own check is a static flag until a call first saw one.</para>
/// </remarks>
internal static class CallTracing
{
    /// <summary>The activity source's name, as listeners and OpenTelemetry's <c>AddSource</c> take it.</summary>
    public const string SourceName = "Multiproc";

    /// <summary>The <c>rpc.system</c> of every span.</summary>
    public const string SystemName = "multiproc";

    private const string DiagnosticSourceAssembly = "System.Diagnostics.DiagnosticSource,";

    private static volatile bool s_suspended;

    // Set the first time a call saw a listener or a context was inherited: until then no call can
    // have a context to carry, and a channel skips looking (the hot path checks for listeners once).
    private static volatile bool s_everActive;
    private static AsyncLocal<TraceContext?>? s_inherited;

    /// <summary>Gets whether this process may hand on a context now (a listener, or an inherited context).</summary>
    public static bool IsActive => !s_suspended && (HasListeners() || s_inherited?.Value is not null);

    /// <summary>Gets whether a call a channel sends now may carry a context: <see cref="IsActive"/>, skipped (one static read) until a call first saw a listener.</summary>
    /// <remarks>Every call reaches a channel through the client span's <see cref="IsListened"/> check first, which sets what this reads.</remarks>
    public static bool MayCarry => s_everActive && IsActive;

    /// <summary>Gets the context this flow inherited from the process that started the worker or sent the task, if any.</summary>
    public static TraceContext? Inherited => s_inherited?.Value;

    /// <summary>Gets the source (created on first use).</summary>
    public static ActivitySource Source => Holder.Source;

    /// <summary>Gets whether anything listens to the source; false while <see cref="Suspend">suspended</see>.</summary>
    public static bool IsListened
    {
        get
        {
            if (s_suspended || !HasListeners())
            {
                return false;
            }

            s_everActive = true;
            return true;
        }
    }

    /// <summary>Stops this process's calls from looking for a context until one arrives (a worker started without one).</summary>
    public static void Suspend()
    {
        s_suspended = true;
        AppDomain.CurrentDomain.AssemblyLoad += OnAssemblyLoad;
    }

    /// <summary>Makes <paramref name="context"/> the inherited context of this flow (and what it starts); null clears it.</summary>
    /// <remarks>A context whose traceparent does not parse is ignored, so a child id can always be made from an inherited one.</remarks>
    public static void Inherit(TraceContext? context)
    {
        if (context is { } arrived && IsValid(arrived))
        {
            s_suspended = false;
            LazyInitializer.EnsureInitialized(ref s_inherited).Value = arrived;
            s_everActive = true;
        }
        else if (s_inherited is not null)
        {
            s_inherited.Value = null;
        }
    }

    /// <summary>Returns the context a call sent now carries, or null for a plain call. Only after <see cref="MayCarry"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TraceContext? ContextToSend()
    {
        Activity? current = Activity.Current;
        if (current is { IdFormat: ActivityIdFormat.W3C, Id: { } id })
        {
            return new TraceContext(id, current.TraceStateString);
        }

        // No listener here (or nothing sampled), but a parent process traces: the call gets a span id
        // of its own under the inherited context, so the manager's server span nests under this call.
        return Inherited is { } inherited ? ChildOf(inherited) : null;
    }

    /// <summary>Returns the context a worker or pool task started now carries: the current activity's, or the inherited one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TraceContext? ContextToHandOn()
    {
        Activity? current = Activity.Current;
        return current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? new TraceContext(id, current.TraceStateString) : Inherited;
    }

    /// <summary>Parses a received context; false for one that is not a valid W3C traceparent.</summary>
    public static bool TryParse(TraceContext context, out ActivityContext parsed)
        => ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out parsed);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool HasListeners() => Holder.Source.HasListeners();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsValid(TraceContext context) => TryParse(context, out _);

    private static TraceContext ChildOf(TraceContext parent)
    {
        _ = TryParse(parent, out ActivityContext context);
        string traceParent = $"00-{context.TraceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
        return new TraceContext(traceParent, parent.TraceState);
    }

    private static void OnAssemblyLoad(object? sender, AssemblyLoadEventArgs args)
    {
        // The process's own code brought DiagnosticSource in, so a listener may exist: look for one again.
        if (args.LoadedAssembly.FullName?.StartsWith(DiagnosticSourceAssembly, StringComparison.Ordinal) == true)
        {
            s_suspended = false;
            AppDomain.CurrentDomain.AssemblyLoad -= OnAssemblyLoad;
        }
    }

    // A nested type, so touching CallTracing's flags never creates the source (nor loads its assembly).
    private static class Holder
    {
        public static readonly ActivitySource Source = new(SourceName, typeof(CallTracing).Assembly.GetName().Version?.ToString());
    }
}
