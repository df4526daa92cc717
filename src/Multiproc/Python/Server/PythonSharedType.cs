using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>
/// How Python clients see one kind of shared object: its typeid, the names it exposes, how a <c>create</c>
/// builds it, and how its methods run with Python semantics on the manager's object (docs/python.md).
/// </summary>
/// <remarks>Stateless: one instance serves every object of its kind, on any thread.</remarks>
internal abstract class PythonSharedType
{
    /// <summary>Gets the typeid Python clients know it by (<c>list</c>, <c>Queue</c>, a published name's type…).</summary>
    public abstract string TypeId { get; }

    /// <summary>Gets the method names a <c>create</c> reply lists and calls are checked against.</summary>
    public abstract IReadOnlyList<string> Exposed { get; }

    /// <summary>Builds the object a Python <c>create</c> of this typeid asks for.</summary>
    /// <exception cref="Pickle.PythonTypeErrorException">The arguments do not fit.</exception>
    public abstract object Create(PythonArguments arguments, PythonContext context);

    /// <summary>Gets the binding the object is entered into the table with (its .NET type id).</summary>
    public abstract SharedTypeBinding Binding(PythonContext context);

    /// <summary>Gets the gate a call on <paramref name="entry"/> runs behind: the object's own, unless it reads another's state.</summary>
    public virtual ObjectGate? GateFor(ObjectEntry entry) => entry.Gate;

    /// <summary>Runs a method behind the object's gate; returns a Python value, a <see cref="PythonLeased"/> or a <see cref="PythonNewObject"/>.</summary>
    public abstract ValueTask<object?> InvokeAsync(PythonInvocation call);

    /// <summary>The object's value for <c>#GETVALUE</c> (<c>copy.deepcopy(proxy)</c>, <c>proxy._getvalue()</c>).</summary>
    public abstract object? GetValue(object instance, PythonValues values);

    /// <summary>The object's <c>repr()</c>, for <c>str(proxy)</c> and <c>repr(proxy)</c>.</summary>
    public virtual string Repr(object instance, PythonValues values) => PythonRepr.Of(GetValue(instance, values));

    /// <summary>Refuses a method this type does not expose.</summary>
    protected PythonProtocolError NotExposed(string method) => new($"method '{method}' of typeid '{TypeId}' is not exposed");
}
