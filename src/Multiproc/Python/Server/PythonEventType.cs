using Multiproc.Protocol.BuiltIns;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Event</c> (<c>EventProxy</c>) on a shared event.</summary>
internal sealed class PythonEventType : PythonSharedType
{
    public static PythonEventType Instance { get; } = new();

    public override string TypeId => "Event";

    public override IReadOnlyList<string> Exposed { get; } = ["is_set", "set", "clear", "wait"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Event);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(0);
        return new SharedEventServer(initialState: false, context.Host.Clock);
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError("an Event has no value to copy");

    public override string Repr(object instance, PythonValues values) => $"<Event {(((SharedEventServer)instance).IsSet() ? "set" : "unset")}>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var shared = (SharedEventServer)call.Instance;
        switch (call.Method)
        {
            case "is_set":
                return shared.IsSet();
            case "set":
                shared.Set();
                return null;
            case "clear":
                shared.Clear();
                return null;
            case "wait":
                call.Arguments.Expect(1, "timeout");
                return await shared.Wait(PythonArguments.ToTimeout(call.Arguments.Get(0, "timeout")), call.CancellationToken).ConfigureAwait(false);
            default:
                throw NotExposed(call.Method);
        }
    }
}
