using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>A call on the manager's control object (create, publish, lookup, stats...).</summary>
internal sealed class ControlCall : ServerCall
{
    private readonly Func<(object? Result, ValueWriter? Writer)> _body;

    public ControlCall(ServerSession session, uint callId, Func<(object? Result, ValueWriter? Writer)> body)
        : base(session, callId, gate: null, cancellable: false)
    {
        _body = body;
    }

    /// <summary>Gets or sets the control member called (create, publish...), for metrics.</summary>
    public string Member { get; set; } = "control";

    /// <inheritdoc/>
    public override string Service => ObjectHost.ControlTypeId;

    /// <inheritdoc/>
    protected override MemberCounter Counter => Session.Host.ControlCounter(Member);

    /// <inheritdoc/>
    public override string Method => Member;

    protected override ValueTask<(object? Result, ValueWriter? Writer)> InvokeAsync() => new(_body());
}
